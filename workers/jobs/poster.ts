import fs from "node:fs/promises";
import path from "node:path";
import sharp from "sharp";
import { frameArgs } from "@/lib/ffmpeg/commands";
import { FfmpegError, FfmpegTimeoutError } from "@/lib/ffmpeg/errors";
import { runFfmpeg } from "@/lib/ffmpeg/run";
import { layout, storage } from "@/lib/storage";
import { completeStep } from "@/lib/videos/pipeline";
import { mediaInfoOf } from "./media-info";
import { PermanentJobError, type JobDefinition } from "./types";

/** Poster widths; those wider than the video are skipped (the smallest is always made). */
export const POSTER_WIDTHS = [320, 640, 1280, 1920];
const CANDIDATE_POINTS = [0.1, 0.25, 0.4, 0.55, 0.7];
const FRAME_TIME_LIMIT_SECONDS = 60;

/**
 * A representative poster: frames at a few points of the video are scored on a small scale
 * (black, blank or flat frames lose; detail wins), and the best one is taken at full size and
 * written as WebP at several widths.
 */
export const posterJob: JobDefinition<"poster"> = {
  name: "poster",
  policy: { retryLimit: 2, retryDelay: 5, retryBackoff: true, expireInSeconds: 900, heartbeatSeconds: 10, concurrency: 2 },
  async run({ videoId }, ctx) {
    const info = mediaInfoOf(ctx.video);
    const work = await ctx.workDir();
    const input = await ctx.input(layout.mp4);

    const times = info.duration < 2 ? [info.duration / 2] : CANDIDATE_POINTS.map((p) => p * info.duration);
    // Where there is no usable picture (past the end of a video track shorter than the sound, or in
    // a damaged one) a time gives no frame: the first frame is then the poster.
    let best = { at: 0, score: -Infinity };
    for (const [i, at] of times.entries()) {
      const file = path.join(work, `candidate-${i}.png`);
      const score = (await grabFrame(input, at, file, work, ctx.signal, 320)) ? await frameScore(file).catch(() => -Infinity) : -Infinity;
      if (score > best.score) best = { at, score };
    }

    const full = path.join(work, "frame.png");
    if (!(await grabFrame(input, best.at, full, work, ctx.signal))) throw new PermanentJobError("No picture of the video could be decoded for its poster");
    const outDir = path.join(work, layout.thumbs);
    await fs.mkdir(outDir);
    const { width: frameWidth = info.video.displayWidth } = await sharp(full).metadata();
    const widths = POSTER_WIDTHS.filter((w, i) => i === 0 || w <= frameWidth);
    for (const width of widths) {
      await sharp(full)
        .resize({ width: Math.min(width, frameWidth), withoutEnlargement: true })
        .webp({ quality: 80 })
        .toFile(path.join(outDir, path.basename(layout.poster(width))));
    }
    await storage.publish(videoId, "thumbs", outDir);
    await completeStep(videoId, "poster", { outputs: { poster: widths, details: { poster: { atSeconds: Math.round(best.at * 100) / 100 } } } });
  },
};

/**
 * One frame into `file`, or false when there is none to be had: ffmpeg writes nothing (and exits 0)
 * past the last picture, and fails on a picture it cannot decode. A run over its time limit, or
 * cancelled, still throws.
 */
async function grabFrame(input: string, at: number, file: string, workDir: string, signal: AbortSignal, width?: number): Promise<boolean> {
  try {
    await runFfmpeg({ args: frameArgs(input, at, file, width), timeLimitSeconds: FRAME_TIME_LIMIT_SECONDS, workDir, signal });
  } catch (error) {
    if (!(error instanceof FfmpegError) || error instanceof FfmpegTimeoutError) throw error;
    return false;
  }
  return fs.access(file).then(
    () => true,
    () => false,
  );
}

/**
 * Higher is more representative: detail (entropy) counts; a dark, washed-out or flat frame
 * (fades, title cards, black) is pushed below every normal frame.
 */
export async function frameScore(file: string): Promise<number> {
  const stats = await sharp(file).stats();
  const channels = stats.channels.slice(0, 3);
  const mean = channels.reduce((s, c) => s + c.mean, 0) / channels.length;
  const spread = channels.reduce((s, c) => s + c.stdev, 0) / channels.length;
  const unusable = mean < 24 || mean > 235 || spread < 10;
  return stats.entropy + (unusable ? -100 : 0);
}
