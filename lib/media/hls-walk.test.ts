import { spawnSync } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveFfmpeg } from "@/lib/ffmpeg/locate";
import { createMediaHandler } from "./node-adapter";
import { parseKeyring } from "./signing";
import { fetchRaw, listen, type Served } from "./test-support";
import { mediaUrl } from "./urls";

/**
 * The point of tokens in the path: a real HLS ladder written by ffmpeg, walked the way a player
 * does — every URI in a playlist resolved against the playlist's own URL — reaches every file
 * without any URL being signed again.
 */

const ffmpeg = resolveFfmpeg().ffmpeg.command;
describe("an ffmpeg HLS ladder behind signed path tokens", () => {
  const keyring = parseKeyring(`h1:${randomBytes(24).toString("hex")}`);
  const video = randomUUID();
  let dir: string;
  let server: Served;

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "reel-hls-"));
    const videoDir = path.join(dir, video);
    await fs.mkdir(path.join(videoDir, "hls"), { recursive: true });
    // Two tiny rungs, 2 s, 1 s segments: fMP4 with an init segment, as the pipeline writes them.
    const run = spawnSync(
      ffmpeg,
      [
        ...["-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=size=160x90:rate=10:duration=2", "-f", "lavfi", "-i", "sine=duration=2"],
        ...["-filter_complex", "[0:v]split=2[a][b];[b]scale=80:46[c]", "-map", "[a]", "-map", "[c]", "-map", "1:a", "-map", "1:a"],
        ...["-c:v", "libx264", "-preset", "ultrafast", "-g", "10", "-c:a", "aac", "-b:a", "32k"],
        ...["-f", "hls", "-hls_time", "1", "-hls_playlist_type", "vod", "-hls_segment_type", "fmp4", "-hls_fmp4_init_filename", "init.mp4"],
        ...["-hls_segment_filename", "hls/v%v/seg_%05d.m4s", "-var_stream_map", "v:0,a:0 v:1,a:1", "-master_pl_name", "master.m3u8", "hls/v%v/index.m3u8"],
      ],
      { cwd: videoDir, encoding: "utf8" },
    );
    if (run.status !== 0) throw new Error(`ffmpeg failed: ${run.stderr}`);
    server = await listen(createMediaHandler({ media: dir, mediaDirs: [], keyring }));
  });

  afterAll(async () => {
    await server?.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it("reaches every playlist, init segment and media segment from the one signed master URL", async () => {
    const base = "http://127.0.0.1";
    const master = new URL(mediaUrl(video, "hls/master.m3u8", { ttlSeconds: 600, keyring }), base);
    const get = async (url: URL) => {
      const r = await fetchRaw(server.port, url.pathname, { headers: { "accept-encoding": "br" } });
      expect(r.status, url.pathname).toBe(200);
      return r;
    };
    const text = (r: { headers: Record<string, unknown>; body: Buffer }) =>
      (r.headers["content-encoding"] === "br" ? zlib.brotliDecompressSync(r.body) : r.body).toString();
    const uris = (playlist: string) =>
      playlist.split("\n").flatMap((line) => (line.startsWith("#") ? [...line.matchAll(/URI="([^"]+)"/g)].map((m) => m[1]) : line.trim() ? [line.trim()] : []));

    const masterReply = await get(master);
    expect(masterReply.headers["content-type"]).toBe("application/vnd.apple.mpegurl");
    const variants = uris(text(masterReply)).map((u) => new URL(u, master));
    expect(variants).toHaveLength(2);

    const fetched: string[] = [];
    for (const variant of variants) {
      expect(variant.pathname.split("/")[2]).toBe(master.pathname.split("/")[2]); // same token, inherited
      const files = uris(text(await get(variant))).map((u) => new URL(u, variant));
      expect(files.some((f) => /\/init[^/]*\.mp4$/.test(f.pathname))).toBe(true);
      for (const file of files) {
        const r = await get(file);
        const rel = file.pathname.split(`/${video}/`)[1];
        expect(r.body.equals(await fs.readFile(path.join(dir, video, rel)))).toBe(true);
        expect(r.headers["content-type"]).toBe(rel.endsWith(".m4s") ? "video/iso.segment" : "video/mp4");
        expect(r.headers["cache-control"]).toContain("immutable");
        fetched.push(rel);
      }
    }
    expect(fetched.filter((f) => f.endsWith(".m4s")).length).toBeGreaterThanOrEqual(4);
  });
});
