import { describe, expect, it } from "vitest";
import { embeddable, embedIframe, embedPage, embedSize, videoIdFromUrl } from "./embed";

const ID = "0b6a3c1e-8f2d-4c5a-9e7b-1d2c3b4a5f60";
const ORIGIN = "https://reel.example";

describe("embedding", () => {
  it("embeds public and unlisted videos, never private ones", () => {
    expect(embeddable({ visibility: "public" })).toBe(true);
    expect(embeddable({ visibility: "unlisted" })).toBe(true);
    expect(embeddable({ visibility: "private" })).toBe(false);
  });

  it("reads the video of a watch or embed URL of this Reel only", () => {
    expect(videoIdFromUrl(`${ORIGIN}/watch/${ID}`, ORIGIN)).toBe(ID);
    expect(videoIdFromUrl(`${ORIGIN}/watch/${ID}?t=1m2s`, ORIGIN)).toBe(ID);
    expect(videoIdFromUrl(`${ORIGIN}/embed/${ID.toUpperCase()}`, ORIGIN)).toBe(ID);
    for (const bad of [
      `https://evil.example/watch/${ID}`,
      `http://reel.example/watch/${ID}`,
      `https://reel.example@evil.example/watch/${ID}`,
      `https://user:pw@reel.example/watch/${ID}`,
      `${ORIGIN}/videos/${ID}/edit`,
      `${ORIGIN}/watch/not-a-uuid-at-all-not-a-uuid-at-all00`,
      `${ORIGIN}/watch/${ID}/../../admin`,
      "javascript:alert(1)",
      "",
    ]) {
      expect(videoIdFromUrl(bad, ORIGIN), bad).toBeNull();
    }
  });

  it("sizes the player within maxwidth and maxheight at the video's aspect", () => {
    expect(embedSize(16 / 9)).toEqual({ width: 640, height: 360 });
    expect(embedSize(16 / 9, 320)).toEqual({ width: 320, height: 180 });
    expect(embedSize(16 / 9, 1000, 180)).toEqual({ width: 320, height: 180 });
    expect(embedSize(9 / 16, undefined, 400)).toEqual({ width: 225, height: 400 });
    expect(embedSize(16 / 9, 1)).toEqual({ width: 120, height: 120 });
  });

  it("escapes what the uploader wrote in the snippet and the page", () => {
    const html = embedIframe(ORIGIN, ID, `"><script>alert(1)</script>`, { width: 640, height: 360 });
    expect(html).not.toContain("<script>");
    expect(html).toContain(`src="${ORIGIN}/embed/${ID}"`);
    const page = embedPage({ title: "</title><script>x()</script>", src: "/media/t/v/mp4/video.mp4", poster: null, captions: [], chapters: null, watchUrl: `/watch/${ID}` });
    expect(page).not.toContain("<script>");
    expect(page).toContain('<video controls playsinline preload="metadata" src="/media/t/v/mp4/video.mp4"');
  });
});
