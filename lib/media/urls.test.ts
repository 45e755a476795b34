import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { env, paths } from "@/lib/env";
import { grantsOriginal, parseKeyring, verifyToken } from "./signing";
import { expiryFor, mediaUrl, playbackTtl, signedPlayback } from "./urls";

const keyring = parseKeyring(`u1:${"k".repeat(40)}`);
const tokenOf = (url: string) => url.split("/")[2];

describe("mediaUrl", () => {
  it("puts a token for the video in the path and encodes each segment", () => {
    const id = randomUUID();
    const url = mediaUrl(id, "source/my film #1.mkv", { ttlSeconds: 600, keyring });
    expect(url).toMatch(new RegExp(`^/media/u1\\.\\d+\\.[A-Za-z0-9_-]{43}/${id}/source/my%20film%20%231\\.mkv$`));
    expect(verifyToken(tokenOf(url), id, Date.now() / 1000, keyring)).toBe("ok");
    expect(verifyToken(tokenOf(url), randomUUID(), Date.now() / 1000, keyring)).toBe("bad-signature");
    expect(verifyToken(tokenOf(url), id, Date.now() / 1000 + 700, keyring)).toBe("expired");
  });

  it("rounds the expiry up to a grid so page views within a window share URLs (and caches)", () => {
    const now = Date.UTC(2030, 0, 1, 12, 0, 7);
    const a = expiryFor(4 * 3600, now);
    const b = expiryFor(4 * 3600, now + 60_000);
    expect(a).toBe(b);
    expect(a * 1000).toBeGreaterThanOrEqual(now + 4 * 3600_000);
    expect(a * 1000 - (now + 4 * 3600_000)).toBeLessThanOrEqual(1800_000);
    // Short lifetimes stay short.
    expect(expiryFor(10, now) * 1000 - now).toBeLessThanOrEqual(12_000);
  });
});

describe("signedPlayback", () => {
  it("lists the outputs that exist, all under one token for this video", () => {
    const id = randomUUID();
    const now = Date.now();
    const playback = signedPlayback(
      {
        id,
        duration: 120,
        outputs: { mp4: true, hls: [360, 1080, 720], poster: [1280, 320], storyboard: true },
        sourcePath: `${paths.media}/${id}/source/upload.mov`,
      },
      [{ id: "c1", lang: "en", label: "English", file: "en.vtt" }],
      { keyring, now },
    );
    const base = playback.base;
    expect(base).toMatch(new RegExp(`^/media/[^/]+/${id}/$`));
    expect(playback.mp4).toBe(`${base}mp4/video.mp4`);
    expect(playback.hls).toBe(`${base}hls/master.m3u8`);
    expect(playback.hlsRungs).toEqual([1080, 720, 360]);
    expect(playback.posters).toEqual([
      { width: 320, url: `${base}thumbs/poster-320.webp` },
      { width: 1280, url: `${base}thumbs/poster-1280.webp` },
    ]);
    expect(playback.storyboard).toBe(`${base}storyboard/storyboard.vtt`);
    expect(playback.captions).toEqual([{ id: "c1", lang: "en", label: "English", url: `${base}captions/en.vtt` }]);
    // With an MP4 to play, the player's token does not open the original.
    expect(playback.source).toBeNull();
    expect(grantsOriginal(tokenOf(base))).toBe(false);
    // TTL = duration + margin (rounded up to the grid).
    const ttl = 120 + env.REEL_MEDIA_TOKEN_MARGIN_SECONDS;
    expect(playbackTtl(120)).toBe(ttl);
    expect(playback.expiresAt).toBeGreaterThanOrEqual(Math.floor(now / 1000) + ttl);
    expect(playback.expiresAt).toBeLessThanOrEqual(Math.floor(now / 1000) + ttl + 3600);
    expect(verifyToken(tokenOf(base), id, now / 1000 + ttl - 1, keyring)).toBe("ok");
  });

  it("gives nothing for a video that has no outputs yet; media-folder originals via outputs.source", () => {
    const id = randomUUID();
    const playback = signedPlayback({ id, duration: null, outputs: { source: "source/original.mkv" }, sourcePath: "/srv/films/x.mkv" }, [], { keyring });
    expect(playback).toMatchObject({ mp4: null, hls: null, hlsRungs: [], posters: [], storyboard: null, captions: [] });
    expect(playback.source).toBe(`${playback.base}source/original.mkv`);
    // The original is all there is to play: the token opens it, and says so under its signature.
    expect(grantsOriginal(tokenOf(playback.base))).toBe(true);
    expect(verifyToken(tokenOf(playback.base), id, Date.now() / 1000, keyring)).toBe("ok");
    const outside = signedPlayback({ id, duration: 10, outputs: {}, sourcePath: "/srv/films/x.mkv" }, [], { keyring });
    expect(outside.source).toBeNull();
    expect(grantsOriginal(tokenOf(outside.base))).toBe(false);
  });

  it("an upload's original is opened by the token until the MP4 exists, HLS or not", () => {
    const id = randomUUID();
    const video = (outputs: Record<string, unknown>) => ({ id, duration: 10, outputs, sourcePath: `${paths.media}/${id}/source/upload.mov` });
    for (const outputs of [{}, { hls: [360], poster: [320] }]) {
      const playback = signedPlayback(video(outputs), [], { keyring });
      expect(playback.source).toBe(`${playback.base}source/upload.mov`);
      expect(grantsOriginal(tokenOf(playback.base))).toBe(true);
    }
    const ready = signedPlayback(video({ mp4: true, hls: [360] }), [], { keyring });
    expect(ready.source).toBeNull();
    expect(grantsOriginal(tokenOf(ready.base))).toBe(false);
  });
});
