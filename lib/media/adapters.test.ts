import { randomBytes, randomUUID } from "node:crypto";
import { existsSync, readdirSync, readlinkSync } from "node:fs";
import fs from "node:fs/promises";
import http from "node:http";
import path from "node:path";
import zlib from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bridge, fetchRaw, listen, parseMultipart, pipelined, type Served } from "./test-support";

/**
 * One suite, two adapters: the Node fast path (`serveMedia`) and the route handler exported by
 * app/media/[...path]/route.ts behind a Node http bridge. Real HTTP on loopback; every body is
 * compared with the file's bytes.
 */

const dataDir = process.env.REEL_DATA_DIR!;
const library = path.join(dataDir, `library-${randomBytes(4).toString("hex")}`);
// lib/env.ts reads the environment once, on first import: set the media folders before that.
process.env.REEL_MEDIA_DIRS = library;

const { paths } = await import("@/lib/env");
const { downloadUrl, mediaUrl, signedPlayback } = await import("./urls");
const { attachmentHeader } = await import("./disposition");
const { GRANT_ORIGINAL, parseKeyring, signToken } = await import("./signing");
const { createMediaHandler, serveMedia } = await import("./node-adapter");
const { createWebMediaHandler } = await import("./web-adapter");
const route = await import("@/app/media/[...path]/route");

const video = randomUUID();
const other = randomUUID();
const dir = path.join(paths.media, video);
const secret = path.join(dataDir, `secret-${randomBytes(4).toString("hex")}.txt`);
const SECRET_TEXT = "TOP-SECRET-OUTSIDE-THE-MEDIA-ROOT";

const files: Record<string, Buffer> = {
  "mp4/video.mp4": randomBytes(300_000),
  "mp4/empty.mp4": Buffer.alloc(0),
  // Larger than one read (bodies.ts SINGLE_READ_MAX): exercises the streaming path.
  "mp4/big.mp4": randomBytes(2_500_000),
  "hls/master.m3u8": Buffer.from(
    "#EXTM3U\n#EXT-X-VERSION:7\n" +
      Array.from({ length: 40 }, (_, i) => `#EXT-X-STREAM-INF:BANDWIDTH=${(i + 1) * 100000},RESOLUTION=640x360\nv${i}/index.m3u8\n`).join(""),
  ),
  "hls/v0/init.mp4": randomBytes(900),
  "hls/v0/seg_00001.m4s": randomBytes(20_000),
  "hls/v0/seg_00001.ts": randomBytes(1_000),
  "thumbs/poster-320.webp": randomBytes(2_000),
  "thumbs/poster-320.jpg": randomBytes(2_000),
  "storyboard/storyboard.vtt": Buffer.from("WEBVTT\n\n00:00.000 --> 00:02.000\nsprite-0.jpg#xywh=0,0,160,90\n"),
  "captions/en.vtt": Buffer.from("WEBVTT\n\n00:00.000 --> 00:01.000\nHello\n"),
  "captions/meta.json": Buffer.from(JSON.stringify({ languages: ["en"] })),
  "source/name with space.mp4": randomBytes(1_000),
};
const original = randomBytes(5_000);

beforeAll(async () => {
  for (const [rel, bytes] of Object.entries(files)) {
    await fs.mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await fs.writeFile(path.join(dir, rel), bytes);
  }
  await fs.writeFile(secret, SECRET_TEXT);
  await fs.mkdir(library, { recursive: true });
  await fs.writeFile(path.join(library, "film.mkv"), original);
  // Allowed: an original in a media folder, reached through source/ as the pipeline links it.
  await fs.symlink(path.join(library, "film.mkv"), path.join(dir, "source/film.mkv"));
  // Refused: symlinks out of the video folder, or into a media folder from outside source/.
  await fs.symlink(secret, path.join(dir, "hls/escape.m3u8"));
  await fs.symlink(secret, path.join(dir, "source/escape.mkv"));
  await fs.symlink(path.join(library, "film.mkv"), path.join(dir, "thumbs/film.webp"));
  // Inside the video folder, but the original under another name: only what opens the original opens it.
  await fs.symlink("../source/name with space.mp4", path.join(dir, "thumbs/original.webp"));
  await fs.mkdir(path.join(paths.media, other, "storyboard"), { recursive: true });
  await fs.writeFile(path.join(paths.media, other, "storyboard/storyboard.vtt"), "WEBVTT\n");
  await fs.symlink(path.join(paths.media, other, "storyboard"), path.join(dir, "captions/other"));
  await fs.symlink("/etc", path.join(dir, "thumbs/etc"));
});

afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
  await fs.rm(path.join(paths.media, other), { recursive: true, force: true });
  await fs.rm(library, { recursive: true, force: true });
  await fs.rm(secret, { force: true });
});

type Options = Parameters<typeof createMediaHandler>[0];
const adapters: Array<{ name: string; compresses: boolean; start(options?: Options): Promise<Served> }> = [
  { name: "node adapter", compresses: true, start: (options) => listen(options ? createMediaHandler(options) : serveMedia) },
  {
    name: "route handler",
    // Next strips Content-Encoding from route-handler responses, so this adapter never compresses.
    compresses: false,
    start: (options) => {
      const handler = options ? createWebMediaHandler(options) : (req: Request) => (req.method === "HEAD" ? route.HEAD(req) : route.GET(req));
      return listen(bridge(handler));
    },
  },
];

describe.each(adapters)("$name", ({ start, compresses }) => {
  let server: Served;
  beforeAll(async () => {
    server = await start();
  });
  afterAll(() => server.close());

  const get = (rel: string, headers: Record<string, string> = {}, method = "GET", id = video) =>
    fetchRaw(server.port, mediaUrl(id, rel, { ttlSeconds: 600 }), { method, headers });
  /** With the token a video without an MP4 gets (urls.ts, signedPlayback): it opens the original too. */
  const getOriginal = (rel: string) => fetchRaw(server.port, mediaUrl(video, rel, { ttlSeconds: 600, grant: GRANT_ORIGINAL }));
  const mp4 = files["mp4/video.mp4"];
  const size = mp4.length;

  describe("full responses", () => {
    it("GET sends the whole file with validators and immutable caching", async () => {
      const r = await get("mp4/video.mp4");
      expect(r.status).toBe(200);
      expect(r.body.equals(mp4)).toBe(true);
      expect(r.headers["content-length"]).toBe(String(size));
      expect(r.headers["accept-ranges"]).toBe("bytes");
      expect(r.headers["content-type"]).toBe("video/mp4");
      expect(r.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
      expect(r.headers.etag).toMatch(/^"[0-9a-f]+-[0-9a-f]+"$/);
      const stat = await fs.stat(path.join(dir, "mp4/video.mp4"));
      expect(r.headers["last-modified"]).toBe(new Date(Math.floor(stat.mtimeMs / 1000) * 1000).toUTCString());
      expect(r.headers["transfer-encoding"]).toBeUndefined();
    });

    it("streams files and ranges longer than one read", async () => {
      const big = files["mp4/big.mp4"];
      const full = await get("mp4/big.mp4");
      expect(full.status).toBe(200);
      expect(full.headers["content-length"]).toBe(String(big.length));
      expect(full.body.equals(big)).toBe(true);
      const part = await get("mp4/big.mp4", { range: "bytes=100-2200000" });
      expect(part.status).toBe(206);
      expect(part.body.equals(big.subarray(100, 2_200_001))).toBe(true);
    });

    it("answers queued behind a full socket keep their bytes while other requests run", async () => {
      // Read buffers are reused across requests: one must not be refilled while a queued answer
      // still points at it.
      const big = files["mp4/big.mp4"];
      const url = mediaUrl(video, "mp4/big.mp4", { ttlSeconds: 600 });
      const ranges = Array.from({ length: 12 }, (_, i) => [i * 110_000, i * 110_000 + 900_000 + i] as const);
      const others = () =>
        Promise.all(Array.from({ length: 12 }, (_, i) => fetchRaw(server.port, url, { headers: { range: `bytes=${1_500_000 - i}-${2_400_000}` } })));
      const replies = await pipelined(server.port, ranges.map(([a, b]) => ({ path: url, headers: { range: `bytes=${a}-${b}` } })), others);
      replies.forEach((r, i) => {
        expect(r.status).toBe(206);
        expect(r.body.equals(big.subarray(ranges[i][0], ranges[i][1] + 1)), `range ${i}`).toBe(true);
      });
    });

    it("HEAD has the Content-Length of the GET and no body", async () => {
      const r = await get("mp4/video.mp4", {}, "HEAD");
      expect(r.status).toBe(200);
      expect(r.headers["content-length"]).toBe(String(size));
      expect(r.body.length).toBe(0);
    });

    it("HEAD ignores Range (it is defined for GET only)", async () => {
      const r = await get("mp4/video.mp4", { range: "bytes=0-9" }, "HEAD");
      expect(r.status).toBe(200);
      expect(r.headers["content-length"]).toBe(String(size));
    });

    it("a zero-length file is a 200 with an empty body, Range or not", async () => {
      for (const headers of [{}, { range: "bytes=0-" }, { range: "bytes=-5" }] as Array<Record<string, string>>) {
        const r = await get("mp4/empty.mp4", headers);
        expect(r.status).toBe(200);
        expect(r.headers["content-length"]).toBe("0");
        expect(r.body.length).toBe(0);
      }
    });

    it("refuses other methods with 405", async () => {
      const r = await get("mp4/video.mp4", {}, "POST");
      expect(r.status).toBe(405);
      expect(r.headers.allow).toBe("GET, HEAD");
    });

    it("serves a name that needs percent-encoding", async () => {
      const r = await getOriginal("source/name with space.mp4");
      expect(r.status).toBe(200);
      expect(r.body.equals(files["source/name with space.mp4"])).toBe(true);
    });
  });

  describe("single ranges", () => {
    const cases: Array<[string, number, number]> = [
      ["bytes=0-99", 0, 99],
      ["bytes=1000-", 1000, size - 1],
      ["bytes=-500", size - 500, size - 1],
      ["bytes=-999999999", 0, size - 1],
      ["bytes=100-99999999", 100, size - 1],
      [`bytes=${size - 1}-${size - 1}`, size - 1, size - 1],
      ["BYTES=5-9", 5, 9],
      ["bytes= 5-9 ,", 5, 9],
    ];
    it.each(cases)("%s → 206 %i-%i", async (range, start, end) => {
      const r = await get("mp4/video.mp4", { range });
      expect(r.status).toBe(206);
      expect(r.headers["content-range"]).toBe(`bytes ${start}-${end}/${size}`);
      expect(r.headers["content-length"]).toBe(String(end - start + 1));
      expect(r.body.equals(mp4.subarray(start, end + 1))).toBe(true);
      expect(r.headers.etag).toBeDefined();
      expect(r.headers["cache-control"]).toContain("immutable");
    });

    it.each([`bytes=${size}-`, `bytes=${size + 10}-${size + 20}`, "bytes=-0", `bytes=${size}-,-0`])("%s → 416 with bytes */len", async (range) => {
      const r = await get("mp4/video.mp4", { range });
      expect(r.status).toBe(416);
      expect(r.headers["content-range"]).toBe(`bytes */${size}`);
    });

    it.each(["items=0-5", "bytes=abc", "bytes=5-1", "bytes=0-1-2", "bytes 0-5", "bytes=", "bytes=,", "=0-5", "bytes=0x10-20"])(
      "%s is ignored → 200 full",
      async (range) => {
        const r = await get("mp4/video.mp4", { range });
        expect(r.status).toBe(200);
        expect(r.body.equals(mp4)).toBe(true);
      },
    );
  });

  describe("multiple ranges", () => {
    it("two ranges → multipart/byteranges in request order", async () => {
      const r = await get("mp4/video.mp4", { range: "bytes=500-599,0-9,-10" });
      expect(r.status).toBe(206);
      expect(r.headers["content-type"]).toMatch(/^multipart\/byteranges; boundary=/);
      expect(Number(r.headers["content-length"])).toBe(r.body.length);
      const parts = parseMultipart(r.body, r.headers["content-type"]!);
      expect(parts.map((p) => p.range)).toEqual([`500-599/${size}`, `0-9/${size}`, `${size - 10}-${size - 1}/${size}`]);
      expect(parts[0].bytes.equals(mp4.subarray(500, 600))).toBe(true);
      expect(parts[1].bytes.equals(mp4.subarray(0, 10))).toBe(true);
      expect(parts[2].bytes.equals(mp4.subarray(size - 10))).toBe(true);
    });

    it("unsatisfiable ranges are dropped; one left → a plain 206", async () => {
      const r = await get("mp4/video.mp4", { range: `bytes=0-9,${size + 5}-` });
      expect(r.status).toBe(206);
      expect(r.headers["content-range"]).toBe(`bytes 0-9/${size}`);
      expect(r.body.equals(mp4.subarray(0, 10))).toBe(true);
    });

    it("two overlapping ranges are served", async () => {
      const r = await get("mp4/video.mp4", { range: "bytes=0-99,50-149" });
      expect(r.status).toBe(206);
      expect(parseMultipart(r.body, r.headers["content-type"]!)).toHaveLength(2);
    });

    it("more than two overlapping ranges → 416", async () => {
      const r = await get("mp4/video.mp4", { range: "bytes=0-99,50-149,100-199" });
      expect(r.status).toBe(416);
      expect(r.headers["content-range"]).toBe(`bytes */${size}`);
    });

    it("more than 16 ranges → 416, 16 are served", async () => {
      const ranges = (n: number) => `bytes=${Array.from({ length: n }, (_, i) => `${i * 100}-${i * 100 + 9}`).join(",")}`;
      expect((await get("mp4/video.mp4", { range: ranges(17) })).status).toBe(416);
      const ok = await get("mp4/video.mp4", { range: ranges(16) });
      expect(ok.status).toBe(206);
      const parts = parseMultipart(ok.body, ok.headers["content-type"]!);
      expect(parts).toHaveLength(16);
      expect(parts[15].bytes.equals(mp4.subarray(1500, 1510))).toBe(true);
    });
  });

  describe("conditional requests", () => {
    let etag: string;
    let lastModified: string;
    beforeAll(async () => {
      const r = await get("mp4/video.mp4", {}, "HEAD");
      etag = r.headers.etag!;
      lastModified = r.headers["last-modified"]!;
    });

    it("If-None-Match with the ETag (strong, weak, in a list, or *) → 304", async () => {
      for (const inm of [etag, `W/${etag}`, `"nope", ${etag}`, "*"]) {
        const r = await get("mp4/video.mp4", { "if-none-match": inm });
        expect(r.status).toBe(304);
        expect(r.body.length).toBe(0);
        expect(r.headers.etag).toBe(etag);
        expect(r.headers["cache-control"]).toContain("immutable");
      }
    });

    it("If-None-Match wins over If-Modified-Since", async () => {
      const r = await get("mp4/video.mp4", { "if-none-match": '"other"', "if-modified-since": lastModified });
      expect(r.status).toBe(200);
      expect(r.body.equals(mp4)).toBe(true);
    });

    it("If-Modified-Since → 304 when not modified since, else 200", async () => {
      expect((await get("mp4/video.mp4", { "if-modified-since": lastModified })).status).toBe(304);
      const later = new Date(Date.parse(lastModified) + 3600_000).toUTCString();
      expect((await get("mp4/video.mp4", { "if-modified-since": later })).status).toBe(304);
      const earlier = new Date(Date.parse(lastModified) - 3600_000).toUTCString();
      expect((await get("mp4/video.mp4", { "if-modified-since": earlier })).status).toBe(200);
      expect((await get("mp4/video.mp4", { "if-modified-since": "not a date" })).status).toBe(200);
    });

    it("If-Range with the current ETag or date → 206; otherwise the full 200", async () => {
      for (const ifRange of [etag, lastModified]) {
        const r = await get("mp4/video.mp4", { range: "bytes=10-19", "if-range": ifRange });
        expect(r.status).toBe(206);
        expect(r.body.equals(mp4.subarray(10, 20))).toBe(true);
      }
      const stale = new Date(Date.parse(lastModified) - 1000).toUTCString();
      for (const ifRange of ['"stale-etag"', `W/${etag}`, stale]) {
        const r = await get("mp4/video.mp4", { range: "bytes=10-19", "if-range": ifRange });
        expect(r.status).toBe(200);
        expect(r.body.equals(mp4)).toBe(true);
      }
    });

    it("If-Match that fails → 412", async () => {
      expect((await get("mp4/video.mp4", { "if-match": '"other"' })).status).toBe(412);
      expect((await get("mp4/video.mp4", { "if-match": etag })).status).toBe(200);
    });
  });

  describe("types, caching and compression", () => {
    it.each([
      ["hls/master.m3u8", "application/vnd.apple.mpegurl", "public, max-age=5"],
      ["hls/v0/seg_00001.m4s", "video/iso.segment", "public, max-age=31536000, immutable"],
      ["hls/v0/init.mp4", "video/mp4", "public, max-age=31536000, immutable"],
      ["hls/v0/seg_00001.ts", "video/mp2t", "public, max-age=31536000, immutable"],
      ["thumbs/poster-320.webp", "image/webp", "public, max-age=31536000, immutable"],
      ["thumbs/poster-320.jpg", "image/jpeg", "public, max-age=31536000, immutable"],
      ["storyboard/storyboard.vtt", "text/vtt; charset=utf-8", "public, max-age=31536000, immutable"],
      ["captions/en.vtt", "text/vtt; charset=utf-8", "public, max-age=5"],
      ["captions/meta.json", "application/json", "public, max-age=5"],
    ])("%s is %s, %s", async (rel, type, cacheControl) => {
      const r = await get(rel);
      expect(r.status).toBe(200);
      expect(r.headers["content-type"]).toBe(type);
      expect(r.headers["cache-control"]).toBe(cacheControl);
      expect(r.headers["x-content-type-options"]).toBe("nosniff");
      expect(r.body.equals(files[rel])).toBe(true);
    });

    it.skipIf(!compresses)("playlists are compressed per Accept-Encoding, with their own ETags and Vary", async () => {
      const playlist = files["hls/master.m3u8"];
      const br = await get("hls/master.m3u8", { "accept-encoding": "gzip, deflate, br" });
      expect(br.headers["content-encoding"]).toBe("br");
      expect(zlib.brotliDecompressSync(br.body).equals(playlist)).toBe(true);
      expect(br.headers["content-length"]).toBe(String(br.body.length));
      expect(br.body.length).toBeLessThan(playlist.length / 3);
      expect(br.headers.vary).toBe("accept-encoding");

      const gz = await get("hls/master.m3u8", { "accept-encoding": "gzip;q=1, br;q=0" });
      expect(gz.headers["content-encoding"]).toBe("gzip");
      expect(zlib.gunzipSync(gz.body).equals(playlist)).toBe(true);

      const plain = await get("hls/master.m3u8");
      expect(plain.headers["content-encoding"]).toBeUndefined();
      expect(plain.headers.vary).toBe("accept-encoding");
      expect(plain.body.equals(playlist)).toBe(true);

      expect(new Set([br.headers.etag, gz.headers.etag, plain.headers.etag]).size).toBe(3);
      const again = await get("hls/master.m3u8", { "accept-encoding": "br", "if-none-match": br.headers.etag! });
      expect(again.status).toBe(304);
      expect(again.headers.vary).toBe("accept-encoding");

      const head = await get("hls/master.m3u8", { "accept-encoding": "br" }, "HEAD");
      expect(head.headers["content-length"]).toBe(String(br.body.length));
      expect(head.body.length).toBe(0);
    });

    it.skipIf(compresses)("sends playlists uncompressed whatever the Accept-Encoding", async () => {
      const r = await get("hls/master.m3u8", { "accept-encoding": "gzip, deflate, br" });
      expect(r.headers["content-encoding"]).toBeUndefined();
      expect(r.body.equals(files["hls/master.m3u8"])).toBe(true);
    });

    it("a Range on a playlist gets identity bytes", async () => {
      const r = await get("hls/master.m3u8", { "accept-encoding": "br", range: "bytes=0-6" });
      expect(r.status).toBe(206);
      expect(r.headers["content-encoding"]).toBeUndefined();
      expect(r.body.toString()).toBe("#EXTM3U");
    });
  });

  describe("signed tokens", () => {
    const rel = "hls/v0/seg_00001.m4s";
    const raw = (token: string, id = video) => fetchRaw(server.port, `/media/${token}/${id}/${rel}`);

    it("a valid token works; the same token for another video is refused", async () => {
      const token = mediaUrl(video, rel, { ttlSeconds: 600 }).split("/")[2];
      expect((await raw(token)).status).toBe(200);
      await fs.mkdir(path.join(paths.media, other, "hls/v0"), { recursive: true });
      await fs.writeFile(path.join(paths.media, other, rel), "x");
      expect((await raw(token, other)).status).toBe(403);
    });

    it("an expired token → 403", async () => {
      const expired = mediaUrl(video, rel, { ttlSeconds: 60, now: Date.now() - 3600_000 });
      const r = await fetchRaw(server.port, expired);
      expect(r.status).toBe(403);
    });

    it("a token altered at any position → 403", async () => {
      const token = mediaUrl(video, rel, { ttlSeconds: 600 }).split("/")[2];
      for (let i = 0; i < token.length; i++) {
        const c = token[i];
        const swapped = c === "A" ? "B" : c === "1" ? "2" : c === "." ? "-" : "A";
        const altered = token.slice(0, i) + swapped + token.slice(i + 1);
        expect((await raw(altered)).status, `position ${i}`).toBe(403);
      }
      for (const broken of ["x", token.slice(0, -1), `${token}A`, "", "%2e%2e"]) {
        expect((await raw(broken)).status).toBeGreaterThanOrEqual(400);
      }
    });

    it("rotation: the first key signs, every listed key verifies, an unknown kid is refused", async () => {
      const oldKeys = parseKeyring(`old:${"o".repeat(40)}`);
      const rotated = parseKeyring(`new:${"n".repeat(40)},old:${"o".repeat(40)}`);
      const retired = parseKeyring(`new:${"n".repeat(40)}`);
      const exp = Math.floor(Date.now() / 1000) + 600;
      const oldToken = signToken(video, exp, oldKeys);
      const newToken = signToken(video, exp, rotated);
      expect(newToken.startsWith("new.")).toBe(true);
      const strangerToken = signToken(video, exp, parseKeyring(`zzz:${"z".repeat(40)}`));

      const during = await start({ keyring: rotated });
      const after = await start({ keyring: retired });
      try {
        const at = (s: Served, token: string) => fetchRaw(s.port, `/media/${token}/${video}/${rel}`).then((r) => r.status);
        expect(await at(during, oldToken)).toBe(200);
        expect(await at(during, newToken)).toBe(200);
        expect(await at(during, strangerToken)).toBe(403);
        expect(await at(after, newToken)).toBe(200);
        expect(await at(after, oldToken)).toBe(403);
        // Same kid, different secret: the signature does not verify.
        const forged = signToken(video, exp, parseKeyring(`new:${"f".repeat(40)}`));
        expect(await at(after, forged)).toBe(403);
      } finally {
        await during.close();
        await after.close();
      }
    });
  });

  describe("the original (source/)", () => {
    const upload = files["source/name with space.mp4"];
    const refused = (r: { status: number; body: Buffer; headers: Record<string, unknown> }) => {
      expect(r.status).toBe(403);
      expect(r.headers["x-accel-redirect"]).toBeUndefined();
      expect(r.body.includes(upload.subarray(0, 64))).toBe(false);
      expect(r.body.includes(original.subarray(0, 64))).toBe(false);
    };

    it("a playback token of a video with an MP4 does not open it, in any spelling, even after it was served", async () => {
      // Served first with the token that opens it, so the refusals below also go through the resolver's cache.
      expect((await getOriginal("source/name with space.mp4")).body.equals(upload)).toBe(true);
      expect((await getOriginal("source/film.mkv")).body.equals(original)).toBe(true);
      expect((await getOriginal("thumbs/original.webp")).body.equals(upload)).toBe(true);
      const token = mediaUrl(video, "x", { ttlSeconds: 600 }).split("/")[2];
      for (const rel of ["source/name%20with%20space.mp4", "source/film.mkv", "sourc%65/film.mkv", "%73ource/film.mkv", "thumbs/original.webp"]) {
        const r = await fetchRaw(server.port, `/media/${token}/${video}/${rel}`);
        refused(r);
        refused(await fetchRaw(server.port, `/media/${token}/${video}/${rel}`, { method: "HEAD", headers: { range: "bytes=0-9" } }));
      }
      // The same token still plays everything else.
      expect((await get("mp4/video.mp4")).status).toBe(200);
    });

    it("the player's URLs: the original plays while the video has no MP4, and not once it has one", async () => {
      const outputs = { source: "source/film.mkv", hls: [360] };
      const before = signedPlayback({ id: video, duration: 10, outputs, sourcePath: null });
      const r = await fetchRaw(server.port, before.source!);
      expect(r.status).toBe(200);
      expect(r.body.equals(original)).toBe(true);
      const after = signedPlayback({ id: video, duration: 10, outputs: { ...outputs, mp4: true }, sourcePath: null });
      expect(after.source).toBeNull();
      refused(await fetchRaw(server.port, `${after.base}source/film.mkv`));
      expect((await fetchRaw(server.port, after.mp4!)).status).toBe(200);
    });

    it("the download URL opens it, under its name", async () => {
      const url = downloadUrl({ id: video, outputs: { mp4: true, source: "source/film.mkv" }, sourcePath: null }, "original", "My film")!;
      const r = await fetchRaw(server.port, url);
      expect(r.status).toBe(200);
      expect(r.headers["content-disposition"]).toBe(attachmentHeader("My film.mkv"));
      expect(r.body.equals(original)).toBe(true);
    });

    it("a grant added to a token, or taken from one, breaks its signature", async () => {
      const plain = mediaUrl(video, "x", { ttlSeconds: 600 }).split("/")[2];
      const granted = mediaUrl(video, "x", { ttlSeconds: 600, grant: GRANT_ORIGINAL }).split("/")[2];
      const [kid, expires, sig] = plain.split(".");
      const forgedGrant = `${kid}.${expires}.${GRANT_ORIGINAL}.${sig}`;
      const dropped = granted.replace(`.${GRANT_ORIGINAL}.`, ".");
      const other = granted.replace(`.${GRANT_ORIGINAL}.`, ".O.");
      for (const token of [forgedGrant, dropped, other]) {
        refused(await fetchRaw(server.port, `/media/${token}/${video}/source/film.mkv`));
        expect((await fetchRaw(server.port, `/media/${token}/${video}/mp4/video.mp4`)).status).toBe(403);
      }
    });

    it("with REEL_ACCEL=nginx the refusal comes before any X-Accel-Redirect", async () => {
      const accel = await start({ accelPrefix: "/_reel_media/" });
      try {
        const plain = mediaUrl(video, "source/film.mkv", { ttlSeconds: 600 });
        refused(await fetchRaw(accel.port, plain));
        const granted = await fetchRaw(accel.port, mediaUrl(video, "source/film.mkv", { ttlSeconds: 600, grant: GRANT_ORIGINAL }));
        expect(granted.status).toBe(200);
        expect(granted.headers["x-accel-redirect"]).toBe(`/_reel_media/${video}/source/film.mkv`);
      } finally {
        await accel.close();
      }
    });
  });

  describe("open files", () => {
    // A video folder of this test's own: the other servers of this file cache descriptors of the shared one, and
    // release them on their own schedule.
    const own = randomUUID();
    const ownFiles = ["mp4/video.mp4", "mp4/big.mp4", "mp4/empty.mp4", "hls/master.m3u8"];
    beforeAll(async () => {
      for (const rel of ownFiles) {
        await fs.mkdir(path.dirname(path.join(paths.media, own, rel)), { recursive: true });
        await fs.copyFile(path.join(dir, rel), path.join(paths.media, own, rel));
      }
    });
    // Descriptors of that folder's files only (sockets come and go with keep-alive).
    const openFds = () =>
      readdirSync("/proc/self/fd").filter((fd) => {
        try {
          return readlinkSync(`/proc/self/fd/${fd}`).startsWith(path.join(paths.media, own) + path.sep);
        } catch {
          return false;
        }
      }).length;

    it.skipIf(!existsSync("/proc/self/fd"))("every descriptor is closed once the cache has expired, aborted streams included", async () => {
      const short = await start({ ttlMs: 1500 });
      const before = openFds();
      try {
        const url = (rel: string) => mediaUrl(own, rel, { ttlSeconds: 600 });
        const requests: Array<[string, Record<string, string>, string?]> = [
          ["mp4/video.mp4", {}],
          ["mp4/video.mp4", { range: "bytes=0-99" }],
          ["mp4/video.mp4", { range: "bytes=0-9,100-109" }],
          ["mp4/big.mp4", {}],
          ["mp4/big.mp4", { range: "bytes=0-9,100-109,2000000-2100000" }],
          ["mp4/big.mp4", {}, "HEAD"],
          ["mp4/empty.mp4", {}],
          ["hls/master.m3u8", { "accept-encoding": "br" }],
          ["hls/master.m3u8", { "if-none-match": "*" }],
          ["mp4/video.mp4", { range: "bytes=999999999-" }],
        ];
        let held = 0;
        for (let round = 0; round < 3; round++) {
          await Promise.all(requests.map(([rel, headers, method]) => fetchRaw(short.port, url(rel), { headers, method })));
          held = Math.max(held, openFds());
        }
        expect(held).toBeGreaterThan(before); // the cache keeps them open for a while…
        // Clients that hang up in the middle of long bodies.
        await Promise.all(
          ["mp4/big.mp4", "mp4/big.mp4"].map(
            (rel, i) =>
              new Promise<void>((resolve) => {
                const headers: Record<string, string> = i ? { range: "bytes=0-10,2000000-2400000" } : {};
                const req = http.get({ host: "127.0.0.1", port: short.port, path: url(rel), headers }, (res) => {
                  res.once("data", () => {
                    req.destroy();
                    resolve();
                  });
                });
                req.on("error", () => resolve());
              }),
          ),
        );
        // …then closes every one.
        for (const deadline = Date.now() + 8000; openFds() > before && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 100));
        expect(openFds()).toBeLessThanOrEqual(before);
      } finally {
        await short.close();
      }
    });
  });

  describe("path safety", () => {
    it("serves an original in a media folder through the source/ symlink", async () => {
      const r = await getOriginal("source/film.mkv");
      expect(r.status).toBe(200);
      expect(r.headers["content-type"]).toBe("video/x-matroska");
      expect(r.body.equals(original)).toBe(true);
    });

    // A token that opens the original: what refuses below is the path, not the missing grant.
    const token = () => mediaUrl(video, "x", { ttlSeconds: 600, grant: GRANT_ORIGINAL }).split("/")[2];
    const attempts: Array<[string, (t: string) => string]> = [
      ["../", (t) => `/media/${t}/${video}/hls/../../../${path.basename(secret)}`],
      ["..\\ (raw backslash)", (t) => `/media/${t}/${video}/hls/..\\..\\..\\secret.txt`],
      ["%2e%2e", (t) => `/media/${t}/${video}/hls/%2e%2e/%2e%2e/%2e%2e/${path.basename(secret)}`],
      ["%2e%2e%2f", (t) => `/media/${t}/${video}/hls/%2e%2e%2f%2e%2e%2f%2e%2e%2f${path.basename(secret)}`],
      [".%2e", (t) => `/media/${t}/${video}/hls/.%2e/.%2e/.%2e/${path.basename(secret)}`],
      ["%2f inside a segment", (t) => `/media/${t}/${video}/hls%2f..%2f..%2f..%2f${path.basename(secret)}`],
      ["%5c encoded backslash", (t) => `/media/${t}/${video}/hls/..%5c..%5c..%5c${path.basename(secret)}`],
      ["double encoding %252e", (t) => `/media/${t}/${video}/hls/%252e%252e/%252e%252e/${path.basename(secret)}`],
      ["NUL %00", (t) => `/media/${t}/${video}/mp4/video.mp4%00.m3u8`],
      ["absolute path //", (t) => `/media/${t}/${video}//etc/passwd`],
      ["absolute path %2f", (t) => `/media/${t}/${video}/%2fetc%2fpasswd`],
      ["overlong UTF-8 %c0%ae", (t) => `/media/${t}/${video}/hls/%c0%ae%c0%ae/%c0%ae%c0%ae/${path.basename(secret)}`],
      ["overlong UTF-8 %e0%80%ae", (t) => `/media/${t}/${video}/hls/%e0%80%ae%e0%80%ae/secret`],
      ["raw non-ASCII byte", (t) => `/media/${t}/${video}/hls/\u00e9`],
      ["symlink out of the video folder", (t) => `/media/${t}/${video}/hls/escape.m3u8`],
      ["source/ symlink outside the media folders", (t) => `/media/${t}/${video}/source/escape.mkv`],
      ["media-folder symlink outside source/", (t) => `/media/${t}/${video}/thumbs/film.webp`],
      ["symlinked folder into another video", (t) => `/media/${t}/${video}/captions/other/storyboard.vtt`],
      ["symlinked folder to /etc", (t) => `/media/${t}/${video}/thumbs/etc/passwd`],
      ["video id that is not a UUID", (t) => `/media/${t}/..%2f..%2fetc/passwd`],
      ["video id in upper case", (t) => `/media/${t}/${video.toUpperCase()}/mp4/video.mp4`],
      ["a folder outside the layout", (t) => `/media/${t}/${video}/secret/x.mp4`],
      ["dot file", (t) => `/media/${t}/${video}/hls/.hidden`],
      ["trailing slash (a folder)", (t) => `/media/${t}/${video}/hls/`],
    ];

    it.each(attempts)("%s is refused without leaking the file", async (_, build) => {
      const r = await fetchRaw(server.port, build(token()));
      expect([400, 403, 404]).toContain(r.status);
      expect(r.body.toString()).not.toContain(SECRET_TEXT);
      expect(r.body.toString()).not.toContain("root:");
      expect(r.body.equals(files["mp4/video.mp4"])).toBe(false);
    });
  });
});
