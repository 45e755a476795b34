import fs from "node:fs/promises";
import path from "node:path";
import { env } from "@/lib/env";
import { faststartRemuxArgs, faststartTranscodeArgs, isBrowserCompatible } from "@/lib/ffmpeg/commands";
import { chosenEncoder, withCpuFallback } from "@/lib/ffmpeg/encoders";
import { FfmpegError, FfmpegTimeoutError } from "@/lib/ffmpeg/errors";
import { isFaststart, scanTopLevelBoxes } from "@/lib/ffmpeg/mp4-boxes";
import { runFfmpeg, timeLimitFor } from "@/lib/ffmpeg/run";
import { layout, storage } from "@/lib/storage";
import { completeStep } from "@/lib/videos/pipeline";
import type { VideoOutputs } from "@/lib/videos/outputs";
import { requireFrames } from "./frame-count";
import { ladderFor, mediaInfoOf } from "./media-info";
import type { JobDefinition } from "./types";

/**
 * The first playable file, as fast as possible: an upload that already is a faststart H.264/AAC
 * MP4 is hard-linked (instant); other H.264/AAC sources are stream-copied into a faststart MP4
 * (seconds); anything else gets one fast H.264 encode. The video is playable when this is done.
 */
export const faststartJob: JobDefinition<"faststart"> = {
  name: "faststart",
  policy: { retryLimit: 3, retryDelay: 5, retryBackoff: true, expireInSeconds: 12 * 3600, heartbeatSeconds: 10, concurrency: 2 },
  async run({ videoId }, ctx) {
    const info = mediaInfoOf(ctx.video);
    const work = await ctx.workDir();
    const source = await ctx.source();
    const dir = path.join(work, "mp4");
    await fs.mkdir(dir);
    const output = path.join(dir, path.basename(layout.mp4));
    let made: NonNullable<NonNullable<VideoOutputs["details"]>["mp4"]>;

    if (isBrowserCompatible(info)) {
      if (ctx.video.sourceKind !== "folder" && (await isReadyToServe(source, info)) && (await tryLink(source, output))) {
        made = { method: "link" };
      } else {
        const remux = async (reserve?: number) => {
          const frames = requireFrames(ctx.progress);
          await runFfmpeg({
            args: faststartRemuxArgs(source, output, info, reserve),
            timeLimitSeconds: timeLimitFor(info.duration, { perMediaSecond: 0.5, baseSeconds: 120 }),
            workDir: work,
            durationSeconds: info.duration,
            signal: ctx.signal,
            onProgress: frames.onProgress,
          });
          frames.check();
        };
        // The copy's index is about the size of the source's: reserve that (plus a margin) up front.
        const moov = (await scanTopLevelBoxes(source))?.boxes.find((b) => b.type === "moov");
        const reserve = moov ? Math.ceil(moov.size * 1.1) + 64 * 1024 : undefined;
        try {
          await remux(reserve);
        } catch (error) {
          // The reserve turned out too small: the two-pass +faststart always fits.
          if (!reserve || !(error instanceof FfmpegError) || error instanceof FfmpegTimeoutError) throw error;
          await remux();
        }
        made = { method: "remux" };
      }
    } else {
      const plan = ladderFor(info);
      const { encoder } = await chosenEncoder(env.REEL_HWACCEL);
      const frames = requireFrames(ctx.progress);
      const result = await withCpuFallback(encoder, (enc) =>
        runFfmpeg({
          args: faststartTranscodeArgs(source, output, info, plan, enc),
          timeLimitSeconds: timeLimitFor(info.duration, { perMediaSecond: 10, baseSeconds: 300 }),
          workDir: work,
          durationSeconds: info.duration,
          signal: ctx.signal,
          nice: 5,
          onProgress: frames.onProgress,
        }),
      );
      frames.check();
      made = { method: "transcode", encoder: result.encoder };
    }
    await storage.publish(videoId, "mp4", dir);
    await completeStep(videoId, "faststart", { outputs: { mp4: true, details: { mp4: made } } });
  },
};

/** An MP4 with its index first and only the streams a browser needs: it can be served as it is. */
async function isReadyToServe(source: string, info: ReturnType<typeof mediaInfoOf>): Promise<boolean> {
  if (!info.container.includes("mp4")) return false;
  const streams = info.raw.streams ?? [];
  if (streams.some((s) => s.codec_type !== "video" && s.codec_type !== "audio")) return false;
  if (streams.filter((s) => s.codec_type === "video").length !== 1 || streams.filter((s) => s.codec_type === "audio").length > 1) return false;
  const boxes = await scanTopLevelBoxes(source);
  return boxes !== null && !boxes.truncated && isFaststart(boxes.boxes);
}

/** A hard link costs nothing; it fails across file systems (or where links are not allowed), then we copy. */
async function tryLink(source: string, output: string): Promise<boolean> {
  return fs.link(source, output).then(
    () => true,
    () => false,
  );
}
