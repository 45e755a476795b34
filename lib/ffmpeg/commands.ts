import type { LadderPlan } from "@/lib/transcode/ladder";
import { type VideoEncoder } from "./encoders";
import type { MediaInfo } from "./probe";
import { inputFile, outputFile, OWN_HLS_DEMUXER, sourceDemuxer } from "./run";

/** The group every video rung names in `AUDIO="…"` when a ladder has alternate audio renditions. */
export const AUDIO_GROUP = "audio";

/**
 * Argument builders for every ffmpeg run Reel makes. Each returns an argument ARRAY: option
 * values are separate elements, so nothing is ever split on spaces or read by a shell.
 */

const COMPATIBLE_AUDIO = new Set(["aac", "mp3"]);
const COMPATIBLE_PIX_FMTS = new Set(["yuv420p", "yuvj420p"]);

/**
 * Whether a browser plays the source's streams as they are (H.264 8-bit 4:2:0 + AAC/MP3): then a
 * stream-copy remux is enough for the MP4, which takes seconds instead of an encode.
 */
export function isBrowserCompatible(info: MediaInfo): boolean {
  const v = info.video;
  const videoOk = v.codec === "h264" && (v.pixFmt === undefined || COMPATIBLE_PIX_FMTS.has(v.pixFmt)) && !/high 10|4:2:2|4:4:4/i.test(v.profile ?? "");
  const audioOk = !info.audio || COMPATIBLE_AUDIO.has(info.audio.codec);
  return videoOk && audioOk;
}

function streamMaps(info: MediaInfo): string[] {
  return ["-map", `0:${info.video.index}`, ...(info.audio ? ["-map", `0:${info.audio.index}`] : [])];
}

/**
 * Stream copy into an MP4 with its index first, so playback starts at once. With
 * `reserveMoovBytes` (known from the source's own index) ffmpeg writes the index into space kept at
 * the start, in one pass; `+faststart` instead rewrites the whole file a second time to move it.
 */
export function faststartRemuxArgs(input: string, output: string, info: MediaInfo, reserveMoovBytes?: number): string[] {
  const placement = reserveMoovBytes ? ["-moov_size", String(reserveMoovBytes)] : ["-movflags", "+faststart"];
  return [...inputFile(input, sourceDemuxer(info.container)), ...streamMaps(info), "-c", "copy", "-tag:v", "avc1", "-map_metadata", "-1", ...placement, "-f", "mp4", outputFile(output)];
}

/** Keyframe options for a fixed 2 s GOP (frame count for CFR, forced by time for VFR). */
function keyframeArgs(plan: Pick<LadderPlan, "keyframes">, encoder: VideoEncoder): string[] {
  const k = plan.keyframes;
  if (k.mode === "gop") return ["-g", String(k.frames), "-keyint_min", String(k.frames), ...encoder.fixedGopArgs];
  return ["-force_key_frames", `expr:gte(t,n_forced*${k.seconds})`, ...encoder.fixedGopArgs];
}

/**
 * One fast H.264/AAC MP4 when the source cannot simply be remuxed: the ladder's top rung
 * settings (capped at 1080p), so it looks like the best HLS rendition.
 */
export function faststartTranscodeArgs(input: string, output: string, info: MediaInfo, plan: LadderPlan, encoder: VideoEncoder): string[] {
  const rung = [...plan.rungs].reverse().find((r) => Math.min(r.width, r.height) <= 1080) ?? plan.rungs[0];
  const fps = plan.reduceFps ? `fps=${plan.fps},` : "";
  return [
    ...encoder.globalArgs,
    ...inputFile(input, sourceDemuxer(info.container)),
    ...streamMaps(info),
    "-vf",
    `${fps}scale=w=${rung.width}:h=${rung.height},${encoder.outputFilter}`,
    "-c:v",
    encoder.codec,
    ...encoder.codecArgs,
    "-b:v",
    String(rung.videoBitrate),
    "-maxrate",
    String(rung.maxrate),
    "-bufsize",
    String(rung.bufsize),
    ...keyframeArgs(plan, encoder),
    ...(info.audio ? ["-c:a", "aac", "-ac", "2", "-b:a", String(Math.max(rung.audioBitrate, 128_000))] : []),
    "-map_metadata",
    "-1",
    "-movflags",
    "+faststart",
    "-f",
    "mp4",
    outputFile(output),
  ];
}

/**
 * The whole HLS ladder in ONE ffmpeg run: the source is decoded once, `split` feeds one scaler
 * per rung, and `-var_stream_map` pairs each video with its own AAC copy of the audio, so every
 * variant carries sound. Output: `<outDir>/master.m3u8` and `<outDir>/v<name>/{init_<i>.mp4,
 * seg*.m4s,index.m3u8}` (the job renames init files and rewrites the master afterwards).
 * With alternate audio (`plan.alternateAudio`), the video rungs carry no audio: each audio stream
 * is encoded once into `<outDir>/va<n>/`, an audio-only variant of the group every rung names.
 */
export function hlsLadderArgs(input: string, outDir: string, info: MediaInfo, plan: LadderPlan, encoder: VideoEncoder): string[] {
  const n = plan.rungs.length;
  const pre = plan.reduceFps ? `fps=${plan.fps},` : "";
  const labels = plan.rungs.map((_, i) => `[s${i}]`).join("");
  const branches = plan.rungs.map((r, i) => `[s${i}]scale=w=${r.width}:h=${r.height}:flags=bicubic,${encoder.outputFilter}[v${i}]`);
  const graph = [`[0:${info.video.index}]${pre}split=${n}${labels}`, ...branches].join(";");
  const alternate = plan.alternateAudio;

  const args = [...encoder.globalArgs, ...inputFile(input, sourceDemuxer(info.container)), "-filter_complex", graph];
  plan.rungs.forEach((_, i) => args.push("-map", `[v${i}]`));
  const muxedAudio = plan.hasAudio && info.audio !== undefined && alternate.length === 0;
  if (muxedAudio) plan.rungs.forEach(() => args.push("-map", `0:${info.audio!.index}`));
  alternate.forEach((a) => args.push("-map", `0:${a.index}`));

  args.push("-c:v", encoder.codec, ...encoder.codecArgs, ...keyframeArgs(plan, encoder));
  plan.rungs.forEach((r, i) => {
    args.push(`-b:v:${i}`, String(r.videoBitrate), `-maxrate:v:${i}`, String(r.maxrate), `-bufsize:v:${i}`, String(r.bufsize));
  });
  if (muxedAudio) {
    args.push("-c:a", "aac", "-ac", "2");
    plan.rungs.forEach((r, i) => args.push(`-b:a:${i}`, String(r.audioBitrate)));
  }
  // One encode per track serves every rung, so each gets the best rung's audio bitrate.
  if (alternate.length) args.push("-c:a", "aac", "-ac", "2", "-b:a", String(plan.rungs.at(-1)!.audioBitrate));
  // Names and languages from the source's tags never enter this map (a space or comma would split it): the master
  // playlist is rewritten from the plan afterwards.
  const streamMap = alternate.length
    ? [...plan.rungs.map((r, i) => `v:${i},agroup:${AUDIO_GROUP},name:${r.name}`), ...alternate.map((a, i) => `a:${i},agroup:${AUDIO_GROUP},name:${a.folder}`)].join(" ")
    : plan.rungs.map((r, i) => (muxedAudio ? `v:${i},a:${i},name:${r.name}` : `v:${i},name:${r.name}`)).join(" ");
  args.push(
    ...["-map_metadata", "-1", "-f", "hls"],
    ...["-hls_time", String(plan.segmentSeconds), "-hls_playlist_type", "vod", "-hls_segment_type", "fmp4"],
    ...["-hls_flags", "independent_segments", "-hls_fmp4_init_filename", "init.mp4"],
    ...["-hls_segment_filename", `${outDir}/v%v/seg%05d.m4s`],
    ...["-master_pl_name", "master.m3u8", "-var_stream_map", streamMap],
    // The HLS muxer derives paths from the playlist name, which a `file:` prefix confuses; the
    // folder is our own (tmp/<job>/<uuid>), never a name taken from a user.
    `${outDir}/v%v/index.m3u8`,
  );
  return args;
}

/** One frame at `atSeconds` of Reel's own MP4, scaled to `width` (keeping the aspect), as PNG. */
export function frameArgs(input: string, atSeconds: number, output: string, width?: number): string[] {
  return [
    ...inputFile(input, "mov", ["-ss", atSeconds.toFixed(3)]),
    "-map",
    "0:v:0",
    "-frames:v",
    "1",
    ...(width ? ["-vf", `scale=w=${width}:h=-2`] : []),
    "-f",
    "image2",
    "-c:v",
    "png",
    outputFile(output),
  ];
}

/**
 * Storyboard sprites from one of Reel's own HLS renditions (`input`: its playlist): one thumbnail
 * every `interval` seconds, `columns`×`rows` per sheet, as PNG files `<outPattern>` (an image2
 * pattern such as `/tmp/x/sprite-%d.png`).
 */
export function storyboardArgs(input: string, outPattern: string, o: { interval: number; width: number; height: number; columns: number; rows: number }): string[] {
  return [
    ...inputFile(input, OWN_HLS_DEMUXER),
    "-map",
    "0:v:0",
    "-vf",
    // By default the fps filter rounds the end of a video shorter than half an interval down to no
    // frame at all; eof_action=pass still gives its one thumbnail (longer videos get the same count).
    `fps=1/${o.interval}:eof_action=pass,scale=w=${o.width}:h=${o.height},tile=${o.columns}x${o.rows}`,
    "-fps_mode",
    "passthrough",
    "-f",
    "image2",
    "-start_number",
    "1",
    "-c:v",
    "png",
    outputFile(outPattern),
  ];
}

/** Each text subtitle stream to its own WebVTT file, in one run. */
export function subtitlesArgs(input: string, info: MediaInfo, streams: { index: number; output: string }[]): string[] {
  const args = [...inputFile(input, sourceDemuxer(info.container))];
  for (const s of streams) args.push("-map", `0:${s.index}`, "-c:s", "webvtt", "-f", "webvtt", outputFile(s.output));
  return args;
}
