import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { claimMp4Duration, makeSource, mediaDir } from "@/test/media";
import { chaptersFromProbe } from "@/lib/videos/chapters";
import { probeMedia, ProbeError } from "./probe";

async function reasonFor(file: string) {
  try {
    await probeMedia(file);
  } catch (error) {
    if (error instanceof ProbeError) return error.reason;
    throw error;
  }
  throw new Error("expected the probe to refuse the file");
}

describe("probe gate", () => {
  const good = makeSource({ name: "probe-good.mp4", width: 320, height: 240, fps: 25, seconds: 3 });

  it("reads duration, streams, codecs, size, frame rate and bitrate", async () => {
    const info = await probeMedia(good);
    expect(info.duration).toBeCloseTo(3, 0);
    expect(info.video).toMatchObject({ codec: "h264", width: 320, height: 240, displayWidth: 320, displayHeight: 240, rotation: 0, fps: 25, vfr: false });
    expect(info.audio?.codec).toBe("aac");
    expect(info.bitrate).toBeGreaterThan(0);
    expect(info.container).toContain("mp4");
  });

  it("applies rotation to the display size", async () => {
    const rotated = path.join(mediaDir(), "probe-rotated.mp4");
    const { execFileSync } = await import("node:child_process");
    execFileSync("ffmpeg", ["-loglevel", "error", "-y", "-i", good, "-c", "copy", "-metadata:s:v:0", "rotate=90", rotated]);
    const info = await probeMedia(rotated);
    expect(info.video.rotation).toBe(270);
    expect([info.video.displayWidth, info.video.displayHeight]).toEqual([240, 320]);
  });

  it("reads the chapters of an MKV", async () => {
    const { execFileSync } = await import("node:child_process");
    const meta = path.join(mediaDir(), "probe-chapters.txt");
    fs.writeFileSync(meta, ";FFMETADATA1\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=1500\ntitle=Opening\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=1500\nEND=3000\ntitle=Ending\n");
    const mkv = path.join(mediaDir(), "probe-chapters.mkv");
    execFileSync("ffmpeg", ["-loglevel", "error", "-y", "-i", good, "-i", meta, "-map", "0", "-map_chapters", "1", "-c", "copy", mkv]);
    const info = await probeMedia(mkv);
    expect(chaptersFromProbe(info.raw)).toEqual([
      { start: 0, title: "Opening" },
      { start: 1.5, title: "Ending" },
    ]);
  });

  it("refuses a text file named .mp4", async () => {
    const file = path.join(mediaDir(), "notes.mp4");
    fs.writeFileSync(file, "These are my holiday notes, not a video.\n".repeat(20));
    expect(await reasonFor(file)).toMatch(/not a video format/i);
  });

  it("refuses a zero-byte file", async () => {
    const file = path.join(mediaDir(), "empty.mp4");
    fs.writeFileSync(file, "");
    expect(await reasonFor(file)).toMatch(/empty/i);
  });

  it("refuses a truncated MP4 (index at the end, cut short)", async () => {
    const file = path.join(mediaDir(), "truncated.mp4");
    fs.writeFileSync(file, fs.readFileSync(good).subarray(0, 20_000));
    expect(await reasonFor(file)).toMatch(/truncated/i);
  });

  it("refuses a faststart MP4 whose data stops early", async () => {
    const { execFileSync } = await import("node:child_process");
    const fast = path.join(mediaDir(), "probe-fast.mp4");
    execFileSync("ffmpeg", ["-loglevel", "error", "-y", "-i", good, "-c", "copy", "-movflags", "+faststart", fast]);
    const file = path.join(mediaDir(), "truncated-fast.mp4");
    fs.writeFileSync(file, fs.readFileSync(fast).subarray(0, Math.floor(fs.statSync(fast).size / 2)));
    expect(await reasonFor(file)).toMatch(/truncated/i);
  });

  it("refuses a Matroska file that stops before its stated duration", async () => {
    const mkv = makeSource({ name: "probe-full.mkv", seconds: 4 });
    const file = path.join(mediaDir(), "truncated.mkv");
    fs.writeFileSync(file, fs.readFileSync(mkv).subarray(0, Math.floor(fs.statSync(mkv).size / 2)));
    expect(await reasonFor(file)).toMatch(/truncated/i);
  });

  it.each(["probe-good.ts", "probe-good.mpg"])("accepts an MPEG stream without an index (%s), seeking far enough back to find a frame", async (name) => {
    // Keyframes every 2 s, as broadcast and camera streams have them: a seek half a second before the end finds none.
    const file = makeSource({ name, seconds: 6, codecArgs: ["-c:v", "libx264", "-preset", "ultrafast", "-g", "50", "-pix_fmt", "yuv420p", "-c:a", "mp2"] });
    const info = await probeMedia(file);
    expect(info.duration).toBeCloseTo(6, 0);
    expect(info.video.codec).toBe("h264");
  });

  it("refuses an audio-only file", async () => {
    const file = makeSource({ name: "audio-only.m4a", video: false, seconds: 2 });
    expect(await reasonFor(file)).toMatch(/no video stream.*audio only/i);
  });

  it("refuses a file whose header claims an absurd duration", async () => {
    const file = path.join(mediaDir(), "huge-duration.mp4");
    fs.copyFileSync(good, file);
    claimMp4Duration(file, 4_000_000);
    expect(await reasonFor(file)).toMatch(/claims a duration of 1,111 h/);
  });

  it("takes the streams' length when a damaged header claims far more (but under the limit)", async () => {
    const file = path.join(mediaDir(), "long-claim.mp4");
    fs.copyFileSync(good, file);
    claimMp4Duration(file, 3000);
    const info = await probeMedia(file);
    expect(Number(info.raw.format?.duration)).toBeCloseTo(3000, 0);
    expect(info.duration).toBeCloseTo(3, 0);
  });

  it("refuses a missing file", async () => {
    expect(await reasonFor(path.join(mediaDir(), "nope.mp4"))).toMatch(/missing/i);
  });
});
