import fs from "node:fs/promises";
import path from "node:path";
import sharp from "sharp";
import { storyboardArgs } from "@/lib/ffmpeg/commands";
import { runFfmpeg, timeLimitFor } from "@/lib/ffmpeg/run";
import { layout, storage } from "@/lib/storage";
import { planStoryboard, storyboardVtt } from "@/lib/transcode/storyboard";
import { completeStep } from "@/lib/videos/pipeline";
import { outputsOf } from "@/lib/videos/outputs";
import { mediaInfoOf } from "./media-info";
import { PermanentJobError, type JobDefinition } from "./types";

/**
 * Scrub previews: sprite sheets of small thumbnails plus a WebVTT index. Decoded from the lowest
 * HLS rung: 100 frames from the 360p rung took 0.8 s against 5 s from a 1080p source.
 */
export const storyboardJob: JobDefinition<"storyboard"> = {
  name: "storyboard",
  policy: { retryLimit: 2, retryDelay: 5, retryBackoff: true, expireInSeconds: 4 * 3600, heartbeatSeconds: 10, concurrency: 1 },
  async run({ videoId }, ctx) {
    const info = mediaInfoOf(ctx.video);
    const lowest = outputsOf(ctx.video.outputs).details?.hls?.renditions[0];
    if (!lowest) throw new Error("the HLS ladder is not published yet");
    const plan = planStoryboard(info.duration, lowest.width, lowest.height);

    const work = await ctx.workDir();
    // The rung's whole folder: its playlist names the init and media segments beside it.
    const variant = layout.hlsVariant(lowest.name);
    const input = path.join(await ctx.input(path.posix.dirname(variant)), path.posix.basename(variant));
    const outDir = path.join(work, layout.storyboard);
    await fs.mkdir(outDir);
    await runFfmpeg({
      args: storyboardArgs(input, path.join(work, "sprite-%d.png"), plan),
      timeLimitSeconds: timeLimitFor(info.duration, { perMediaSecond: 1, baseSeconds: 120 }),
      workDir: work,
      durationSeconds: info.duration,
      signal: ctx.signal,
      nice: 10,
      onProgress: (p) => ctx.progress(p),
    });
    const pngs = (await fs.readdir(work)).filter((n) => /^sprite-\d+\.png$/.test(n));
    // Nothing to decode (a damaged video track): no retry will change that.
    if (pngs.length === 0) throw new PermanentJobError("No picture of the video could be decoded for its storyboard");
    for (const png of pngs) {
      const n = Number(/\d+/.exec(png)![0]);
      await sharp(path.join(work, png)).webp({ quality: 70 }).toFile(path.join(outDir, path.basename(layout.sprite(n))));
    }
    // Index only thumbnails that exist (the last sheet may be cut short by a rounding of the rate).
    const usable = { ...plan, thumbs: Math.min(plan.thumbs, pngs.length * plan.columns * plan.rows), sprites: pngs.length };
    await fs.writeFile(path.join(outDir, path.basename(layout.storyboardVtt)), storyboardVtt(usable, info.duration, (n) => path.basename(layout.sprite(n))));
    await storage.publish(videoId, "storyboard", outDir);
    await completeStep(videoId, "storyboard", {
      outputs: {
        storyboard: true,
        details: { storyboard: { sprites: pngs.length, interval: plan.interval, tile: { width: plan.width, height: plan.height, columns: plan.columns, rows: plan.rows } } },
      },
    });
  },
};
