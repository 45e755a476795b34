import { randomBytes, randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeFile } from "./decision";
import { createMediaHandler } from "./node-adapter";
import { GRANT_ORIGINAL, parseKeyring } from "./signing";
import { fetchRaw, findNginx, freePort, listen, parseMultipart, renderReelConf, startNginx, type NginxProcess, type Served } from "./test-support";
import { mediaUrl } from "./urls";

/**
 * REEL_ACCEL=nginx with a real nginx on loopback, configured by the shipped deploy/nginx/reel.conf:
 * Reel checks the token and path and answers X-Accel-Redirect; nginx sends the bytes.
 */

const nginx = findNginx();
// Without nginx this file fails rather than skips: CI installs it, and a silent skip would hide the accel path.
if (!nginx) throw new Error("nginx is not installed (apt-get install nginx-light): REEL_ACCEL=nginx cannot be tested");

describe("REEL_ACCEL=nginx with a real nginx", () => {
  const keyring = parseKeyring(`n1:${randomBytes(24).toString("hex")}`);
  const video = randomUUID();
  const mp4 = randomBytes(200_000);
  const playlist = Buffer.from(`#EXTM3U\n${Array.from({ length: 50 }, (_, i) => `#EXTINF:2.0,\nseg_${String(i).padStart(5, "0")}.m4s\n`).join("")}`);
  const original = randomBytes(3_000);
  let dir: string;
  let media: string;
  let reel: Served;
  let proxy: NginxProcess;

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "reel-nginx-"));
    await fs.chmod(dir, 0o755); // nginx workers run as an unprivileged user
    media = path.join(dir, "media");
    const library = path.join(dir, "library");
    const put = async (rel: string, bytes: Buffer) => {
      await fs.mkdir(path.dirname(path.join(media, video, rel)), { recursive: true });
      await fs.writeFile(path.join(media, video, rel), bytes);
    };
    await put("mp4/video.mp4", mp4);
    await put("hls/v0/index.m3u8", playlist);
    await put("hls/v0/seg_00000.m4s", randomBytes(4_000));
    await put("thumbs/poster 320.webp", randomBytes(1_000));
    await fs.mkdir(library);
    await fs.writeFile(path.join(library, "film.mkv"), original);
    await fs.mkdir(path.join(media, video, "source"));
    await fs.symlink(path.join(library, "film.mkv"), path.join(media, video, "source/film.mkv"));
    await fs.writeFile(path.join(dir, "secret.txt"), "SECRET");
    await fs.symlink(path.join(dir, "secret.txt"), path.join(media, video, "hls/escape.m3u8"));

    reel = await listen(createMediaHandler({ media, mediaDirs: [library], keyring, accelPrefix: "/_reel_media/" }));
    const port = await freePort(3330, 3349);
    proxy = await startNginx(nginx, dir, port, await renderReelConf(reel.port, media, port, randomBytes(32).toString("hex")));
  });

  afterAll(async () => {
    await proxy?.stop();
    await reel?.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  const get = (rel: string, headers: Record<string, string> = {}, method = "GET") =>
    fetchRaw(proxy.port, mediaUrl(video, rel, { ttlSeconds: 600, keyring }), { method, headers });

  it("Reel answers X-Accel-Redirect and no bytes", async () => {
    const r = await fetchRaw(reel.port, mediaUrl(video, "thumbs/poster 320.webp", { ttlSeconds: 600, keyring }));
    expect(r.status).toBe(200);
    expect(r.headers["x-accel-redirect"]).toBe(`/_reel_media/${video}/thumbs/poster%20320.webp`);
    expect(r.headers["content-type"]).toBe("image/webp");
    expect(r.body.length).toBe(0);
  });

  it("nginx sends the whole file with Reel's type and caching, and the same ETag Reel would send", async () => {
    const r = await get("mp4/video.mp4");
    expect(r.status).toBe(200);
    expect(r.body.equals(mp4)).toBe(true);
    expect(r.headers["content-length"]).toBe(String(mp4.length));
    expect(r.headers["content-type"]).toBe("video/mp4");
    expect(r.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(r.headers["x-content-type-options"]).toBe("nosniff");
    expect(r.headers["accept-ranges"]).toBe("bytes");
    expect(r.headers["x-accel-redirect"]).toBeUndefined();
    const stat = await fs.stat(path.join(media, video, "mp4/video.mp4"));
    expect(r.headers.etag).toBe(describeFile({ size: stat.size, mtimeMs: stat.mtimeMs, path: "mp4/video.mp4" }).etag);
  });

  it("ranges, suffix ranges, multipart and 416", async () => {
    const one = await get("mp4/video.mp4", { range: "bytes=1000-1999" });
    expect(one.status).toBe(206);
    expect(one.headers["content-range"]).toBe(`bytes 1000-1999/${mp4.length}`);
    expect(one.body.equals(mp4.subarray(1000, 2000))).toBe(true);

    const suffix = await get("mp4/video.mp4", { range: "bytes=-100" });
    expect(suffix.status).toBe(206);
    expect(suffix.body.equals(mp4.subarray(mp4.length - 100))).toBe(true);

    const multi = await get("mp4/video.mp4", { range: "bytes=0-9,100-109" });
    expect(multi.status).toBe(206);
    const parts = parseMultipart(multi.body, multi.headers["content-type"]!);
    expect(parts.map((p) => p.bytes)).toEqual([mp4.subarray(0, 10), mp4.subarray(100, 110)]);

    const none = await get("mp4/video.mp4", { range: `bytes=${mp4.length}-` });
    expect(none.status).toBe(416);
    expect(none.headers["content-range"]).toBe(`bytes */${mp4.length}`);
  });

  it("conditional requests and HEAD", async () => {
    const first = await get("mp4/video.mp4", {}, "HEAD");
    expect(first.status).toBe(200);
    expect(first.headers["content-length"]).toBe(String(mp4.length));
    expect(first.body.length).toBe(0);
    expect((await get("mp4/video.mp4", { "if-none-match": first.headers.etag! })).status).toBe(304);
    expect((await get("mp4/video.mp4", { "if-modified-since": first.headers["last-modified"]! })).status).toBe(304);
    const stale = await get("mp4/video.mp4", { range: "bytes=0-9", "if-range": '"stale"' });
    expect(stale.status).toBe(200);
    expect(stale.body.equals(mp4)).toBe(true);
    const fresh = await get("mp4/video.mp4", { range: "bytes=0-9", "if-range": first.headers.etag! });
    expect(fresh.status).toBe(206);
  });

  it("playlists: their type, short caching, gzip when asked", async () => {
    const plain = await get("hls/v0/index.m3u8");
    expect(plain.headers["content-type"]).toBe("application/vnd.apple.mpegurl");
    expect(plain.headers["cache-control"]).toBe("public, max-age=5");
    expect(plain.body.equals(playlist)).toBe(true);
    const gz = await get("hls/v0/index.m3u8", { "accept-encoding": "gzip" });
    expect(gz.headers["content-encoding"]).toBe("gzip");
    expect(gz.headers.vary).toMatch(/accept-encoding/i);
    expect(zlib.gunzipSync(gz.body).equals(playlist)).toBe(true);
    const segment = await get("hls/v0/seg_00000.m4s");
    expect(segment.headers["content-type"]).toBe("video/iso.segment");
  });

  it("names that need encoding, and originals through the source/ symlink for a token granted them only", async () => {
    expect((await get("thumbs/poster 320.webp")).status).toBe(200);
    const src = await fetchRaw(proxy.port, mediaUrl(video, "source/film.mkv", { ttlSeconds: 600, keyring, grant: GRANT_ORIGINAL }));
    expect(src.status).toBe(200);
    expect(src.body.equals(original)).toBe(true);
    // A playback token of a video with an MP4: Reel refuses it before any X-Accel-Redirect, so nginx sends nothing.
    const refused = await get("source/film.mkv");
    expect(refused.status).toBe(403);
    expect(refused.body.includes(original.subarray(0, 64))).toBe(false);
  });

  it("refuses bad tokens, traversal, escaping symlinks and direct access to the internal location", async () => {
    const good = mediaUrl(video, "mp4/video.mp4", { ttlSeconds: 600, keyring });
    const token = good.split("/")[2];
    const expired = mediaUrl(video, "mp4/video.mp4", { ttlSeconds: 60, now: Date.now() - 3600_000, keyring });
    const tampered = good.replace(`/${token}/`, `/${token.slice(0, -1)}${token.endsWith("A") ? "B" : "A"}/`);
    const elsewhere = mediaUrl(randomUUID(), "mp4/video.mp4", { ttlSeconds: 600, keyring }).replace(/[0-9a-f-]{36}\/mp4/, `${video}/mp4`);
    for (const url of [expired, tampered, elsewhere]) {
      expect((await fetchRaw(proxy.port, url)).status).toBe(403);
    }
    for (const url of [
      `/media/${token}/${video}/hls/escape.m3u8`,
      `/media/${token}/${video}/hls/%2e%2e/%2e%2e/%2e%2e/secret.txt`,
      `/media/${token}/${video}/hls%2f..%2f..%2f..%2fsecret.txt`,
      `/media/${token}/${video}/hls/%252e%252e/secret.txt`,
      `/_reel_media/${video}/mp4/video.mp4`,
      `/_reel_media/../secret.txt`,
    ]) {
      const r = await fetchRaw(proxy.port, url);
      expect([400, 403, 404]).toContain(r.status);
      expect(r.body.toString()).not.toContain("SECRET");
    }
  });
});
