import { describe, expect, it } from "vitest";
import { isNamedByRow } from "./outputs";

describe("which stored files a video row names", () => {
  const outputs = { mp4: true as const, hls: [240, 360], poster: [320], storyboard: true as const };
  const captions = new Set(["a.vtt"]);

  it("keeps the source and every published output", () => {
    for (const rel of ["source/film.mkv", "mp4/video.mp4", "hls/master.m3u8", "hls/v240/seg00000.m4s", "hls/v360/index.m3u8", "thumbs/poster-320.webp", "storyboard/sprite-1.webp", "captions/a.vtt"]) {
      expect(isNamedByRow(rel, outputs, captions), rel).toBe(true);
    }
  });

  it("gives up what no row names: rungs and widths not recorded, unpublished folders, stray names", () => {
    for (const rel of ["hls/v720/seg00000.m4s", "thumbs/poster-640.webp", "captions/b.vtt", ".hls-old-1/x", "mp4/other.mp4", "hls/extra.m3u8"]) {
      expect(isNamedByRow(rel, outputs, captions), rel).toBe(false);
    }
    expect(isNamedByRow("hls/master.m3u8", {}, captions)).toBe(false);
    expect(isNamedByRow("mp4/video.mp4", { hls: [240] }, captions)).toBe(false);
  });

  it("keeps the alternate audio renditions the row lists, and only those", () => {
    const withAudio = { ...outputs, audio: [{ language: "en", name: "English", default: true }, { language: "fr", name: "French", default: false }] };
    for (const rel of ["hls/a0/init.mp4", "hls/a1/seg00001.m4s"]) expect(isNamedByRow(rel, withAudio, captions), rel).toBe(true);
    for (const rel of ["hls/a2/index.m3u8", "hls/va0/index.m3u8"]) expect(isNamedByRow(rel, withAudio, captions), rel).toBe(false);
    expect(isNamedByRow("hls/a0/index.m3u8", outputs, captions)).toBe(false);
  });
});
