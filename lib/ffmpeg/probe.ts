import "server-only";
import fs from "node:fs/promises";
import { ffprobeBinary } from "./binaries";
import { FfmpegError, withoutPaths } from "./errors";
import { scanTopLevelBoxes } from "./mp4-boxes";
import { inputFile, NOT_ACCEPTED, PROTOCOL_WHITELIST, runFfmpeg, SOURCE_DEMUXERS, sourceDemuxer } from "./run";
import { spawnTied } from "./spawn";

/** A source the pipeline refuses, with a reason written for the person who uploaded it. */
export class ProbeError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = "ProbeError";
  }
}

/** Longer than this is not a real upload but a damaged (or crafted) header. */
export const MAX_DURATION_SECONDS = 24 * 3600;
const PROBE_TIME_LIMIT_SECONDS = 30;
const TEXT_SUBTITLE_CODECS = new Set(["subrip", "srt", "ass", "ssa", "webvtt", "mov_text", "text", "microdvd", "subviewer", "subviewer1", "sami", "realtext", "jacosub", "mpl2", "vplayer", "pjs", "stl"]);

export type VideoStreamInfo = {
  index: number;
  codec: string;
  profile?: string;
  level?: number;
  pixFmt?: string;
  /** Coded size, as stored. */
  width: number;
  height: number;
  /** Size as shown: rotation and sample aspect ratio applied. */
  displayWidth: number;
  displayHeight: number;
  /** Clockwise degrees a player turns the picture: 0, 90, 180 or 270. */
  rotation: number;
  fps: number;
  /** Variable frame rate (average and nominal rates differ), e.g. phone recordings. */
  vfr: boolean;
  bitrate?: number;
};

export type AudioStreamInfo = {
  index: number;
  codec: string;
  channels?: number;
  sampleRate?: number;
  bitrate?: number;
  /** The source's own tags, as written (untrusted text: see lib/transcode/audio-tracks.ts). */
  language?: string;
  title?: string;
  /** The stream's default disposition. */
  default?: boolean;
};
export type SubtitleStreamInfo = { index: number; codec: string; language?: string; title?: string; text: boolean };

export type MediaInfo = {
  container: string;
  duration: number;
  size: number;
  bitrate?: number;
  video: VideoStreamInfo;
  /** The default audio stream (flagged default, else the first): the one the faststart MP4 keeps. */
  audio?: AudioStreamInfo;
  /** Every audio stream, in source order (absent on rows probed before they were all kept). */
  audioTracks?: AudioStreamInfo[];
  subtitles: SubtitleStreamInfo[];
  /** ffprobe's full JSON answer. */
  raw: FfprobeJson;
};

type FfprobeStream = {
  index: number;
  codec_type?: string;
  codec_name?: string;
  profile?: string;
  level?: number;
  pix_fmt?: string;
  width?: number;
  height?: number;
  sample_aspect_ratio?: string;
  r_frame_rate?: string;
  avg_frame_rate?: string;
  duration?: string;
  bit_rate?: string;
  channels?: number;
  sample_rate?: string;
  disposition?: Record<string, number>;
  tags?: Record<string, string>;
  side_data_list?: { side_data_type?: string; rotation?: number }[];
};
export type FfprobeJson = {
  streams?: FfprobeStream[];
  /** MP4/MKV chapter atoms (see lib/videos/chapters.ts). */
  chapters?: { start_time?: string; end_time?: string; tags?: Record<string, string> }[];
  format?: { format_name?: string; duration?: string; size?: string; bit_rate?: string; tags?: Record<string, string> };
};

/**
 * The probe gate: reads what a file is, and refuses what the pipeline cannot turn into a
 * video, with a human reason (missing, empty, not media, truncated, no video, absurd duration).
 * `checkDecodable` also decodes a frame near the end, which catches truncated files whose
 * header survived.
 */
export async function probeMedia(absolutePath: string, { checkDecodable = true }: { checkDecodable?: boolean } = {}): Promise<MediaInfo> {
  const stat = await fs.stat(absolutePath).catch((err: NodeJS.ErrnoException) => {
    throw new ProbeError(err.code === "ENOENT" ? "The file is missing" : `The file cannot be read (${err.code ?? err.message})`);
  });
  if (!stat.isFile()) throw new ProbeError("The source is not a regular file");
  if (stat.size === 0) throw new ProbeError("The file is empty (0 bytes)");

  // An MP4 whose boxes run past the end of the file was cut short (an interrupted copy);
  // ffprobe alone reports that the same way as a text file named .mp4.
  const mp4 = await scanTopLevelBoxes(absolutePath);
  if (mp4?.truncated) throw new ProbeError("The file is truncated: it ends in the middle of its data (an interrupted upload or copy?)");
  if (mp4 && !mp4.boxes.some((b) => b.type === "moov" || b.type === "moof")) {
    throw new ProbeError("The file is truncated or incomplete: its MP4 index (moov atom) is missing");
  }

  const raw = await runFfprobe(absolutePath);
  const info = interpretProbe(raw, stat.size);
  // For MP4/MOV the box scan above already proved every byte the file declares is there (and a
  // tail decode of a large file with long GOPs costs a second); other containers get the decode.
  if (checkDecodable && !mp4) await assertDecodableToEnd(absolutePath, info);
  return info;
}

/** Turns ffprobe's JSON into Reel's view of the media, or a ProbeError. Pure. */
export function interpretProbe(raw: FfprobeJson, size: number): MediaInfo {
  const streams = raw.streams ?? [];
  const videoStream = streams.find((s) => s.codec_type === "video" && !s.disposition?.attached_pic && (s.width ?? 0) > 0);
  const audioStreams = streams.filter((s) => s.codec_type === "audio");
  if (!videoStream) {
    if (audioStreams.length) throw new ProbeError("The file has no video stream (it is audio only)");
    if (streams.some((s) => s.codec_type === "video")) throw new ProbeError("The file has no playable video stream (only a cover picture)");
    throw new ProbeError("The file has no video stream");
  }
  const width = videoStream.width ?? 0;
  const height = videoStream.height ?? 0;
  if (width < 2 || height < 2) throw new ProbeError("The video stream has no picture size");

  const claimed = firstPositive(raw.format?.duration, videoStream.duration);
  if (claimed === undefined) throw new ProbeError("The video's duration cannot be determined (the file is probably damaged)");
  if (claimed > MAX_DURATION_SECONDS) {
    throw new ProbeError(`The file claims a duration of ${formatHours(claimed)}, more than the ${MAX_DURATION_SECONDS / 3600} h limit: its header is probably damaged`);
  }
  const duration = durationOfStreams(claimed, streams);

  const rotation = rotationOf(videoStream);
  const sar = ratio(videoStream.sample_aspect_ratio);
  const shownWidth = sar && sar > 0 && Math.abs(sar - 1) > 0.01 ? Math.round(width * sar) : width;
  const quarter = rotation === 90 || rotation === 270;
  const nominal = ratio(videoStream.r_frame_rate);
  const average = ratio(videoStream.avg_frame_rate);
  const fps = sane(average) ?? sane(nominal) ?? 30;
  const vfr = sane(nominal) !== undefined && sane(average) !== undefined && Math.abs(nominal! - average!) / nominal! > 0.01;

  const video: VideoStreamInfo = {
    index: videoStream.index,
    codec: videoStream.codec_name ?? "unknown",
    ...(videoStream.profile && { profile: videoStream.profile }),
    ...(videoStream.level !== undefined && { level: videoStream.level }),
    ...(videoStream.pix_fmt && { pixFmt: videoStream.pix_fmt }),
    width,
    height,
    displayWidth: quarter ? height : shownWidth,
    displayHeight: quarter ? shownWidth : height,
    rotation,
    fps: Math.round(fps * 1000) / 1000,
    vfr,
    ...(intOf(videoStream.bit_rate) !== undefined && { bitrate: intOf(videoStream.bit_rate) }),
  };
  const audioTracks = audioStreams.map(audioInfo);
  const audio = audioTracks.find((a) => a.default) ?? audioTracks[0];
  const subtitles = streams
    .filter((s) => s.codec_type === "subtitle")
    .map((s) => ({
      index: s.index,
      codec: s.codec_name ?? "unknown",
      ...(s.tags?.language && { language: s.tags.language }),
      ...(s.tags?.title && { title: s.tags.title }),
      text: TEXT_SUBTITLE_CODECS.has(s.codec_name ?? ""),
    }));
  return {
    container: raw.format?.format_name ?? "unknown",
    duration,
    size,
    ...(intOf(raw.format?.bit_rate) !== undefined && { bitrate: intOf(raw.format?.bit_rate) }),
    video,
    ...(audio && { audio }),
    audioTracks,
    subtitles,
    raw,
  };
}

function audioInfo(s: FfprobeStream): AudioStreamInfo {
  return {
    index: s.index,
    codec: s.codec_name ?? "unknown",
    ...(s.channels !== undefined && { channels: s.channels }),
    ...(intOf(s.sample_rate) !== undefined && { sampleRate: intOf(s.sample_rate) }),
    ...(intOf(s.bit_rate) !== undefined && { bitrate: intOf(s.bit_rate) }),
    ...(s.tags?.language && { language: s.tags.language }),
    ...(s.tags?.title && { title: s.tags.title }),
    ...(s.disposition?.default === 1 && { default: true }),
  };
}

/**
 * ffprobe -of json, with a time limit; its failures become human reasons. The format whitelist
 * lets it recognise only the containers Reel accepts: a playlist, manifest or list (which would
 * open the files it names) is refused before it is read, whatever it references.
 */
async function runFfprobe(absolutePath: string): Promise<FfprobeJson> {
  const args = ["-v", "error", "-print_format", "json", "-show_format", "-show_streams", "-show_chapters"];
  args.push("-protocol_whitelist", PROTOCOL_WHITELIST, "-format_whitelist", SOURCE_DEMUXERS.join(","), `file:${absolutePath}`);
  const { code, stdout, stderr, timedOut } = await spawnCollect(ffprobeBinary(), args, PROBE_TIME_LIMIT_SECONDS, absolutePath);
  if (timedOut) throw new ProbeError("Reading the file took too long: it is probably damaged");
  if (code !== 0) throw new ProbeError(reasonFromProbeError(stderr));
  try {
    return JSON.parse(stdout) as FfprobeJson;
  } catch {
    throw new ProbeError("The file cannot be read as media");
  }
}

/** A reason for the uploader: it names no path, so it tells nothing about other files on the server. */
export function reasonFromProbeError(stderr: string): string {
  if (/not on whitelist/i.test(stderr)) return NOT_ACCEPTED;
  if (/Invalid data found when processing input/i.test(stderr)) return "The file is not a video format Reel can read (unrecognised or corrupt data)";
  if (/could not find codec parameters|no streams/i.test(stderr)) return "The file contains no readable media streams";
  const last = withoutPaths(stderr.trim().split("\n").pop() ?? "").replace(/^…:\s*/, "");
  return `The file cannot be read as media${last ? ` (${last})` : ""}`;
}

/**
 * MPEG transport and program streams have no index: a seek lands on the first keyframe after a position guessed from
 * the bitrate, so half a second before the end usually finds none. Ten seconds back covers keyframe intervals of
 * broadcast and camera streams.
 */
const UNINDEXED_DEMUXERS = new Set(["mpegts", "mpeg"]);
const UNINDEXED_TAIL_SECONDS = 10;

/** Decodes one frame close to the end: a file whose data stops early (an interrupted copy) fails here. */
async function assertDecodableToEnd(absolutePath: string, info: MediaInfo) {
  const tail = UNINDEXED_DEMUXERS.has(sourceDemuxer(info.container)) ? UNINDEXED_TAIL_SECONDS : 0.5;
  const at = Math.max(0, info.duration - Math.min(tail, info.duration / 2));
  let frames = 0;
  let stderr = "";
  try {
    ({ stderr } = await runFfmpeg({
      args: [...inputFile(absolutePath, sourceDemuxer(info.container), ["-ss", at.toFixed(3)]), "-map", `0:${info.video.index}`, "-frames:v", "1", "-f", "null", "-"],
      timeLimitSeconds: PROBE_TIME_LIMIT_SECONDS,
      onProgress: (p) => {
        frames = Math.max(frames, p.frame ?? 0);
      },
    }));
  } catch (error) {
    if (error instanceof FfmpegError) throw new ProbeError("The file is truncated or damaged: its last seconds cannot be decoded");
    throw error;
  }
  if (frames < 1 || /ended prematurely|partial file/i.test(stderr)) throw new ProbeError("The file is truncated: it stops before its stated duration");
}

function spawnCollect(binary: string, args: string[], limitSeconds: number, input: string) {
  return new Promise<{ code: number | null; stdout: string; stderr: string; timedOut: boolean }>((resolve, reject) => {
    const { child, kill } = spawnTied(binary, args, { paths: { read: [input], write: [] } });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, limitSeconds * 1000);
    child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr = (stderr + c).slice(-8192)));
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(new FfmpegError(`could not start ffprobe: ${err.message}`, null, ""));
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, timedOut });
    });
  });
}

/**
 * A damaged container header (an MP4's mvhd) can claim far more than its streams hold: then the
 * streams' own length is the truth, else every later step (time limits, poster times, storyboard,
 * the player) would work on a length that is not there.
 */
function durationOfStreams(claimed: number, streams: FfprobeStream[]): number {
  const lengths = streams.filter((s) => s.codec_type === "video" || s.codec_type === "audio").map((s) => Number(s.duration));
  const longest = Math.max(0, ...lengths.filter((d) => Number.isFinite(d) && d > 0));
  return longest > 0 && claimed > longest * 1.1 + 1 ? longest : claimed;
}

function rotationOf(stream: FfprobeStream): number {
  const matrix = stream.side_data_list?.find((d) => d.side_data_type === "Display Matrix" && typeof d.rotation === "number");
  // The display matrix states the counter-clockwise angle; the old `rotate` tag the clockwise one.
  const degrees = matrix ? -matrix.rotation! : Number(stream.tags?.rotate ?? 0);
  const normalised = (((Math.round(degrees / 90) * 90) % 360) + 360) % 360;
  return Number.isFinite(normalised) ? normalised : 0;
}

function ratio(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const [n, d] = value.split(/[/:]/).map(Number);
  if (!Number.isFinite(n)) return undefined;
  if (d === undefined) return n;
  return d > 0 ? n / d : undefined;
}

function sane(fps: number | undefined): number | undefined {
  return fps !== undefined && fps >= 1 && fps <= 240 ? fps : undefined;
}

function firstPositive(...values: (string | undefined)[]): number | undefined {
  for (const v of values) {
    const n = Number(v);
    if (v !== undefined && Number.isFinite(n) && n > 0) return n;
  }
  return undefined;
}

function intOf(value: string | undefined): number | undefined {
  const n = Number(value);
  return value !== undefined && Number.isFinite(n) && n > 0 ? Math.round(n) : undefined;
}

function formatHours(seconds: number): string {
  const hours = seconds / 3600;
  return hours >= 1000 ? `${Math.round(hours).toLocaleString("en")} h` : `${hours.toFixed(1)} h`;
}
