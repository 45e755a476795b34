import fs from "node:fs/promises";
import path from "node:path";
import { env } from "@/lib/env";
import { hlsLadderArgs } from "@/lib/ffmpeg/commands";
import { chosenEncoder, withCpuFallback } from "@/lib/ffmpeg/encoders";
import { runFfmpeg, timeLimitFor } from "@/lib/ffmpeg/run";
import { layout, storage } from "@/lib/storage";
import { finalizeHlsOutput } from "@/lib/transcode/hls-output";
import { publishedAudio } from "@/lib/videos/outputs";
import { completeStep } from "@/lib/videos/pipeline";
import { requireFrames } from "./frame-count";
import { ladderFor, mediaInfoOf } from "./media-info";
import type { JobDefinition } from "./types";

/**
 * The adaptive ladder: every rung up to the source in ONE ffmpeg run (decode once, split, scale,
 * encode each rung), fMP4 HLS with aligned 2 s keyframes, then Reel's own master playlist.
 * On a hardware encoder that fails part-way, the whole run is redone on the CPU.
 */
export const hlsLadderJob: JobDefinition<"hls-ladder"> = {
  name: "hls-ladder",
  policy: {
    retryLimit: 3,
    retryDelay: 2,
    retryBackoff: true,
    expireInSeconds: 24 * 3600,
    heartbeatSeconds: 10,
    concurrency: env.REEL_LADDER_CONCURRENCY,
  },
  async run({ videoId }, ctx) {
    const info = mediaInfoOf(ctx.video);
    const plan = ladderFor(info);
    const work = await ctx.workDir();
    const outDir = path.join(work, layout.hls);
    const { encoder } = await chosenEncoder(env.REEL_HWACCEL);
    const frames = requireFrames(ctx.progress);
    const source = await ctx.source();

    const result = await withCpuFallback(
      encoder,
      (enc) =>
        runFfmpeg({
          args: hlsLadderArgs(source, outDir, info, plan, enc),
          // A 2 h 4K film may take many hours on 2 cores; a stuck run must still end.
          timeLimitSeconds: timeLimitFor(info.duration, { perMediaSecond: 20, baseSeconds: 600 }),
          workDir: work,
          durationSeconds: info.duration,
          signal: ctx.signal,
          nice: 10,
          onProgress: frames.onProgress,
        }),
      () => fs.rm(outDir, { recursive: true, force: true }),
    );
    frames.check();
    const renditions = await finalizeHlsOutput(outDir, plan);
    await storage.publish(videoId, "hls", outDir);
    await completeStep(videoId, "hls-ladder", {
      outputs: {
        hls: renditions.map((r) => Number(r.name)),
        audio: publishedAudio(plan.alternateAudio),
        details: { hls: { renditions, encoder: result.encoder } },
      },
    });
  },
};
