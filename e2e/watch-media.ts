import { execFile } from "node:child_process";
import fs from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";

/**
 * Test media for the watch page, generated with ffmpeg from lavfi sources in the layout the pipeline
 * publishes: media/<id>/{hls/master.m3u8 + v<N>/, mp4/video.mp4, thumbs/poster-<w>.webp,
 * storyboard/storyboard.vtt + sprite, captions/<file>.vtt}. Used by the e2e spec and the ttff bench.
 */
const run = promisify(execFile);

/** The rungs the watch tests generate, highest first: small and quick to encode, yet three qualities to switch between. */
export const TEST_LADDER = [
  { height: 480, kbps: 900 },
  { height: 360, kbps: 500 },
  { height: 240, kbps: 250 },
];

export type LadderOptions = {
  seconds: number;
  fps: number;
  /** Rung heights, highest first, with their video bitrates in kbit/s. */
  rungs: { height: number; kbps: number }[];
  /** Segment length; the GOP is the same, so every segment starts on a keyframe in every rung. */
  segmentSeconds?: number;
  hls?: boolean;
  /** Height of the faststart MP4; the second rung by default. */
  mp4Height?: number;
};

export type GeneratedMedia = {
  outputs: { mp4: true; hls?: number[]; poster: number[]; storyboard: true };
  width: number;
  height: number;
  duration: number;
  captionFile: string;
};

const ffmpeg = (args: string[]) => run("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", ...args], { maxBuffer: 16 * 1024 * 1024 });
const even = (n: number) => Math.round(n / 2) * 2;

export async function generateMedia(videoDir: string, options: LadderOptions): Promise<GeneratedMedia> {
  const { seconds, fps, rungs } = options;
  const segment = options.segmentSeconds ?? 2;
  const top = rungs[0].height;
  const width = even((top * 16) / 9);
  const mp4Rung = options.mp4Height ? (rungs.find((r) => r.height === options.mp4Height) ?? rungs[0]) : rungs[Math.min(1, rungs.length - 1)];
  const mp4Height = mp4Rung.height;
  for (const dir of ["hls", "mp4", "thumbs", "storyboard", "captions"]) await fs.mkdir(path.join(videoDir, dir), { recursive: true });

  const gop = String(fps * segment);
  const x264 = ["-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-g", gop, "-keyint_min", gop, "-sc_threshold", "0"];
  const inputs = ["-f", "lavfi", "-i", `testsrc2=size=${width}x${top}:rate=${fps}:duration=${seconds}`, "-f", "lavfi", "-i", `sine=frequency=440:sample_rate=48000:duration=${seconds}`];
  const withHls = options.hls !== false;
  const branches = withHls ? rungs.length + 1 : 1;
  const split = `[0:v]split=${branches}${Array.from({ length: branches }, (_, i) => `[s${i}]`).join("")}`;
  const scales = withHls ? rungs.map((r, i) => `[s${i}]scale=-2:${r.height},setsar=1[v${i}]`) : [];
  const filter = [split, ...scales, `[s${branches - 1}]scale=-2:${mp4Height},setsar=1[vm]`].join(";");

  const hlsArgs = withHls
    ? [
        ...rungs.flatMap((_, i) => ["-map", `[v${i}]`, "-map", "1:a"]),
        ...x264,
        ...rungs.flatMap((r, i) => [`-b:v:${i}`, `${r.kbps}k`, `-maxrate:v:${i}`, `${Math.round(r.kbps * 1.2)}k`, `-bufsize:v:${i}`, `${r.kbps * 2}k`]),
        ...["-c:a", "aac", "-b:a", "96k", "-f", "hls", "-hls_time", String(segment), "-hls_playlist_type", "vod", "-hls_segment_type", "fmp4"],
        ...["-hls_fmp4_init_filename", "init.mp4", "-hls_segment_filename", path.join(videoDir, "hls/v%v/seg_%05d.m4s"), "-master_pl_name", "master.m3u8"],
        ...["-var_stream_map", rungs.map((_, i) => `v:${i},a:${i}`).join(" "), path.join(videoDir, "hls/v%v/index.m3u8")],
      ]
    : [];
  await ffmpeg([
    ...inputs,
    "-filter_complex",
    filter,
    ...hlsArgs,
    ...["-map", "[vm]", "-map", "1:a", ...x264, "-b:v", `${mp4Rung.kbps}k`, "-c:a", "aac", "-b:a", "96k"],
    ...["-movflags", "+faststart", path.join(videoDir, "mp4/video.mp4")],
  ]);

  const mp4 = path.join(videoDir, "mp4/video.mp4");
  const tiles = Math.max(1, Math.ceil(seconds / 2));
  await Promise.all([
    ffmpeg(["-ss", String(Math.min(1, seconds / 2)), "-i", mp4, "-frames:v", "1", "-vf", "scale=640:-2", "-c:v", "libwebp", path.join(videoDir, "thumbs/poster-640.webp")]),
    ffmpeg(["-i", mp4, "-vf", `fps=1/2,scale=160:90,tile=${tiles}x1`, "-frames:v", "1", path.join(videoDir, "storyboard/sprite-0.jpg")]),
  ]);
  const clock = (t: number) => `00:${String(Math.floor(t / 60)).padStart(2, "0")}:${(t % 60).toFixed(3).padStart(6, "0")}`;
  const storyboard = ["WEBVTT", ""];
  for (let i = 0; i < tiles; i++) storyboard.push(`${clock(i * 2)} --> ${clock(Math.min((i + 1) * 2, seconds))}`, `sprite-0.jpg#xywh=${i * 160},0,160,90`, "");
  await fs.writeFile(path.join(videoDir, "storyboard/storyboard.vtt"), storyboard.join("\n"));
  const captionFile = "en.vtt";
  await fs.writeFile(path.join(videoDir, "captions", captionFile), `WEBVTT\n\n00:00:00.000 --> ${clock(seconds)}\nTest caption line\n`);

  return {
    outputs: { mp4: true, ...(withHls ? { hls: rungs.map((r) => r.height) } : {}), poster: [640], storyboard: true },
    width,
    height: top,
    duration: seconds,
    captionFile,
  };
}

/**
 * Creates a video row (public, so every signed-in user may watch it) with its media already published,
 * through the app's own database module. Call it with the instance's DATABASE_URL and REEL_DATA_DIR in
 * process.env: lib/env reads them when first imported.
 */
export async function createTestVideo(options: LadderOptions & { title: string; status?: "ready" | "processing"; ownerId?: string | null }) {
  const [{ db }, schema, { paths }] = await Promise.all([import("../lib/db/client"), import("../lib/db/schema"), import("../lib/env")]);
  const id = crypto.randomUUID();
  const dir = path.join(paths.media, id);
  const status = options.status ?? "ready";
  const media = await generateMedia(dir, { ...options, hls: status === "ready" && options.hls !== false });
  await db.insert(schema.videos).values({
    id,
    title: options.title,
    ownerId: options.ownerId ?? null,
    visibility: "public",
    sourceKind: "upload",
    status,
    progress: status === "ready" ? null : { step: "hls", percent: 40 },
    duration: media.duration,
    width: media.width,
    height: media.height,
    fps: options.fps,
    outputs: media.outputs,
    readyAt: status === "ready" ? new Date() : null,
  });
  await db.insert(schema.captions).values({ videoId: id, lang: "en", label: "English", origin: "upload", file: media.captionFile });
  return { id, dir, ...media };
}

/**
 * A public, ready video made from an MKV with two audio streams (English at 440 Hz, then French at 880 Hz, English
 * the default) by the pipeline's own probe, ladder command and playlist writer: its ladder has two alternate audio
 * renditions. Call it like createTestVideo.
 */
export async function createTwoLanguageVideo(options: { title: string; seconds: number }) {
  const [{ db }, schema, { paths }, { probeMedia }, { hlsLadderArgs }, { CPU_ENCODER }, { runFfmpeg }, { finalizeHlsOutput }, { publishedAudio }, { ladderFor }] = await Promise.all([
    import("../lib/db/client"),
    import("../lib/db/schema"),
    import("../lib/env"),
    import("../lib/ffmpeg/probe"),
    import("../lib/ffmpeg/commands"),
    import("../lib/ffmpeg/encoders"),
    import("../lib/ffmpeg/run"),
    import("../lib/transcode/hls-output"),
    import("../lib/videos/outputs"),
    import("../workers/jobs/media-info"),
  ]);
  const id = crypto.randomUUID();
  const dir = path.join(paths.media, id);
  const source = path.join(dir, "source", "original.mkv");
  await fs.mkdir(path.dirname(source), { recursive: true });
  const { seconds } = options;
  const tone = (hz: number) => ["-f", "lavfi", "-i", `sine=frequency=${hz}:sample_rate=48000:duration=${seconds}`];
  await ffmpeg([
    ...["-f", "lavfi", "-i", `testsrc2=size=426x240:rate=24:duration=${seconds}`, ...tone(440), ...tone(880)],
    ...["-map", "0:v", "-map", "1:a", "-map", "2:a", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac"],
    ...["-metadata:s:a:0", "language=eng", "-metadata:s:a:1", "language=fra", "-disposition:a:0", "default", "-disposition:a:1", "0", source],
  ]);
  const info = await probeMedia(source);
  const plan = ladderFor(info);
  const work = path.join(dir, ".ladder");
  await fs.mkdir(work, { recursive: true });
  await runFfmpeg({ args: hlsLadderArgs(source, work, info, plan, CPU_ENCODER), workDir: work, timeLimitSeconds: 300 });
  await finalizeHlsOutput(work, plan);
  await fs.rename(work, path.join(dir, "hls"));
  await db.insert(schema.videos).values({
    id,
    title: options.title,
    ownerId: null,
    visibility: "public",
    sourceKind: "upload",
    sourcePath: source,
    status: "ready",
    duration: info.duration,
    width: info.video.width,
    height: info.video.height,
    fps: info.video.fps,
    probe: info,
    outputs: { hls: plan.rungs.map((r) => Number(r.name)), audio: publishedAudio(plan.alternateAudio) },
    readyAt: new Date(),
  });
  return { id, audio: plan.alternateAudio };
}
