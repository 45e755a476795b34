import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Video } from "@/lib/db/schema";
import { probeMedia } from "@/lib/ffmpeg/probe";
import { layout, localStorage as storage } from "@/lib/storage";
import { makeSource, mediaDir } from "@/test/media";
import { posterJob } from "./poster";
import { PermanentJobError } from "./types";

/** The poster step on its own, over an MP4 published as the faststart step leaves it. */
async function runPoster(mp4: string) {
  const id = randomUUID();
  const published = storage.file(id, layout.mp4);
  fs.mkdirSync(path.dirname(published), { recursive: true });
  fs.copyFileSync(mp4, published);
  const video = { id, sourcePath: published, probe: await probeMedia(published) } as Video;
  return posterJob.run({ videoId: id }, { video, signal: new AbortController().signal, progress: () => {}, workDir: () => storage.workDir("poster", id, "test"), source: async () => published, input: async (rel) => storage.file(id, rel) });
}

describe("poster step", () => {
  it("gives up at once, with a reason, on a video none of whose pictures decodes", async () => {
    // The length of the only keyframe's picture NAL unit cut short: the copy is intact, every
    // decode fails (ffmpeg exits with an error at any time asked).
    const bytes = fs.readFileSync(makeSource({ name: "poster-broken-keyframe.mp4", fps: 15, seconds: 3 }));
    const chunk = bytes.readUInt32BE(bytes.indexOf("stco", 0, "latin1") + 12);
    const picture = chunk + 4 + bytes.readUInt32BE(chunk);
    bytes[picture + 3] ^= 0x36;
    const file = path.join(mediaDir(), "poster-broken-keyframe-damaged.mp4");
    fs.writeFileSync(file, bytes);

    const error = await runPoster(file).then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentJobError);
    expect((error as PermanentJobError).reason).toBe("No picture of the video could be decoded for its poster");
  });
});
