import { randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { subtitlesArgs } from "@/lib/ffmpeg/commands";
import { runFfmpeg, timeLimitFor } from "@/lib/ffmpeg/run";
import { layout, storage } from "@/lib/storage";
import type { Caption } from "@/lib/db/schema";
import { replaceEmbeddedCaptions } from "@/lib/videos/captions";
import { completeStep } from "@/lib/videos/pipeline";
import { mediaInfoOf } from "./media-info";
import type { JobDefinition } from "./types";

/**
 * Embedded text subtitle streams (SRT, ASS, mov_text, WebVTT...) → one WebVTT file each, with a
 * `captions` row (language and label from the stream's tags). Picture subtitles (DVD, PGS)
 * cannot become WebVTT and are skipped. Uploaded caption files are left alone.
 */
export const captionsJob: JobDefinition<"captions"> = {
  name: "captions",
  policy: { retryLimit: 2, retryDelay: 5, retryBackoff: true, expireInSeconds: 900, heartbeatSeconds: 10, concurrency: 2 },
  async run({ videoId }, ctx) {
    const info = mediaInfoOf(ctx.video);
    const streams = info.subtitles.filter((s) => s.text);
    const extracted: { id: string; lang: string; label: string; file: string; tmp: string }[] = [];
    if (streams.length) {
      const work = await ctx.workDir();
      for (const [i, s] of streams.entries()) {
        const id = randomUUID();
        const lang = normaliseLanguage(s.language);
        extracted.push({ id, lang, label: s.title ?? (lang === "und" ? `Track ${i + 1}` : lang), file: path.basename(layout.caption(id)), tmp: path.join(work, `${id}.vtt`) });
      }
      await runFfmpeg({
        args: subtitlesArgs(
          await ctx.source(),
          info,
          streams.map((s, i) => ({ index: s.index, output: extracted[i].tmp })),
        ),
        timeLimitSeconds: timeLimitFor(info.duration, { perMediaSecond: 0.5, baseSeconds: 120 }),
        workDir: work,
        signal: ctx.signal,
      });
      for (const c of extracted) {
        const text = await fs.readFile(c.tmp, "utf8");
        if (!text.startsWith("WEBVTT")) throw new Error(`subtitle stream ${c.label} did not convert to WebVTT`);
        await storage.publishFile(videoId, layout.caption(c.id), c.tmp);
      }
    }
    let replaced: Caption[] = [];
    await completeStep(videoId, "captions", {
      outputs: { captions: extracted.map((c) => c.id) },
      also: async (tx) => {
        replaced = await replaceEmbeddedCaptions(
          tx,
          videoId,
          extracted.map(({ id, lang, label, file }) => ({ id, lang, label, file })),
        );
      },
    });
    // Files of the captions this run replaced (a re-processed source).
    for (const old of replaced) await storage.removeFile(videoId, `${layout.captions}/${old.file}`);
  },
};

/** ISO 639 codes as found in files ("fre", "fra", "en"); anything else is "und". */
function normaliseLanguage(tag: string | undefined): string {
  return tag && /^[a-z]{2,3}(-[a-z0-9]{2,8})*$/i.test(tag) ? tag.toLowerCase() : "und";
}
