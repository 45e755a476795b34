import { randomBytes, randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fetchRaw, findNginx, freePort, listen, renderReelConf, startNginx, type NginxProcess, type Served } from "@/lib/media/test-support";
import { DEFAULT_FETCH_POLICY } from "@/lib/net/policy";
import type { ResolvedAddress, Resolver } from "@/lib/net/safe-fetch";
import { ProxyLimiter } from "./limits";
import { createProxyHandler } from "./node-adapter";
import { proxyBase, proxyUri, type RefKind } from "./paths";
import { bytesToday } from "./usage";

/**
 * Play a link with REEL_ACCEL=nginx: the shipped deploy/nginx/reel.conf in front of Reel's proxy handler, Debian's
 * nginx as the upstream. Reel checks each request and names the checked address; nginx fetches the bytes. Reel's
 * port is also asked directly, as a client that reaches it without nginx would.
 */

const nginx = findNginx();
if (!nginx) throw new Error("nginx is not installed (apt-get install nginx-light): the proxy's accel path cannot be tested");

const film = randomBytes(2 * 1024 * 1024);
const secret = Buffer.from("another video's bytes");
const secretVideo = randomUUID();
const userId = randomUUID();
/** REEL_ACCEL_SECRET: reel.conf sends it, the handler expects it. */
const accelSecret = randomBytes(32).toString("hex");
let dir: string;
let upstream: NginxProcess;
let front: NginxProcess;
let reel: Served;
let port: number;
/** Paths of the requests Reel handed to nginx (answered with X-Accel-Redirect), whoever asked. */
const handedOver: string[] = [];
/** Names the upstream answers to; a test may move one (DNS rebinding, a host that moved). */
const names = new Map<string, string>();
const resolve: Resolver = async (host) => {
  const address = names.get(host);
  if (!address) throw new Error("ENOTFOUND");
  return [{ address, family: 4 } satisfies ResolvedAddress];
};

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "reel-proxy-accel-"));
  await fs.chmod(dir, 0o755); // nginx workers run as an unprivileged user
  const www = path.join(dir, "www");
  const media = path.join(dir, "media");
  await fs.mkdir(www);
  await fs.writeFile(path.join(www, "film.mp4"), film);
  await fs.writeFile(path.join(www, "index.m3u8"), "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2.0,\nfilm.mp4\n#EXT-X-ENDLIST\n");
  await fs.mkdir(path.join(media, secretVideo, "mp4"), { recursive: true });
  await fs.writeFile(path.join(media, secretVideo, "mp4", "video.mp4"), secret);

  port = await freePort(3450, 3499);
  const upDir = path.join(dir, "upstream");
  await fs.mkdir(upDir);
  // 127.0.0.1 serves the file; 127.0.0.2 (the same host after it "moved") only redirects.
  upstream = await startNginx(
    nginx!,
    upDir,
    port,
    `  server {
    listen 127.0.0.1:${port};
    root ${www};
    sendfile on;
    types { video/mp4 mp4; application/vnd.apple.mpegurl m3u8; }
    location = /evil.mp4 { alias ${www}/film.mp4; add_header X-Accel-Redirect /_reel_media/${secretVideo}/mp4/video.mp4; }
  }
  server {
    listen 127.0.0.2:${port};
    location / { return 302 http://media.example.test:${port}/film.mp4?signature=upstream-secret; }
  }`,
  );
  const serveProxy = createProxyHandler({
    accel: true,
    resolve,
    allowLoopback: true,
    policy: DEFAULT_FETCH_POLICY,
    dailyBytes: 0,
    limiter: new ProxyLimiter({ maxStreams: 100, perMinute: 100_000 }),
    accelSecret,
  });
  reel = await listen((req, res) => {
    const writeHead = res.writeHead.bind(res) as (status: number, headers: Record<string, string>) => typeof res;
    (res as unknown as { writeHead: typeof writeHead }).writeHead = (status, headers) => {
      if (headers["x-accel-redirect"]) handedOver.push(req.url ?? "");
      return writeHead(status, headers);
    };
    return serveProxy(req, res);
  });
  const listenPort = await freePort(port + 1, 3499);
  const frontDir = path.join(dir, "front");
  await fs.mkdir(frontDir);
  front = await startNginx(nginx!, frontDir, listenPort, await renderReelConf(reel.port, media, listenPort, accelSecret));
});

afterAll(async () => {
  await front?.stop();
  await reel?.close();
  await upstream?.stop();
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

/** A link's path, as /play/<id> signs it for its owner. */
function linkPath(url: string, kind: RefKind = "bytes"): string {
  const linkId = randomUUID();
  return proxyUri(proxyBase(linkId, 600).base, { url, userId, kind }, linkId);
}

const range = (from: number, to: number) => ({ range: `bytes=${from}-${to}` });
/** Asking Reel itself, as nginx's `location /` does. */
const asNginx = (from: number, to: number) => ({ ...range(from, to), "x-reel-accel": `front ${accelSecret}` });
const allHeaders = (headers: Record<string, unknown>) => JSON.stringify(headers);

describe("Play a link with REEL_ACCEL=nginx behind deploy/nginx/reel.conf", () => {
  it("hands a known file's range to nginx, byte-identical, and counts the range toward the daily limit", async () => {
    names.set("media.example.test", "127.0.0.1");
    const link = linkPath(`http://media.example.test:${port}/film.mp4`);
    // The first request goes through Reel's own path, which learns that the upstream answers ranges.
    const first = await fetchRaw(front.port, link, { headers: range(0, 999) });
    expect(first.status).toBe(206);
    expect(first.body.equals(film.subarray(0, 1000))).toBe(true);

    const direct = await fetchRaw(reel.port, link, { headers: asNginx(5, 9) });
    expect(direct.headers["x-accel-redirect"]).toMatch(/^\/_reel_proxy\//);
    expect(direct.headers["x-reel-upstream"]).toBe(`http://127.0.0.1:${port}/film.mp4`);
    expect(direct.headers["x-reel-upstream-host"]).toBe(`media.example.test:${port}`);
    expect(direct.body.length).toBe(0);
    // Reached without nginx, Reel sends the bytes itself and names no upstream.
    const bypass = await fetchRaw(reel.port, link, { headers: range(5, 9) });
    expect(bypass.headers["x-accel-redirect"]).toBeUndefined();
    expect(allHeaders(bypass.headers)).not.toMatch(/x-reel|example\.test|127\.0\.0\.1/i);
    expect(bypass.body.equals(film.subarray(5, 10))).toBe(true);

    const before = await bytesToday(userId);
    const handOffs = handedOver.length;
    const r = await fetchRaw(front.port, link, { headers: range(1_000_000, 1_999_999) });
    expect(handedOver.slice(handOffs)).toEqual([link]);
    expect(r.status).toBe(206);
    expect(r.headers["content-range"]).toBe(`bytes 1000000-1999999/${film.length}`);
    expect(r.headers["content-type"]).toBe("video/mp4");
    expect(r.headers["x-content-type-options"]).toBe("nosniff");
    expect(r.body.equals(film.subarray(1_000_000, 2_000_000))).toBe(true);
    expect(allHeaders(r.headers)).not.toMatch(/x-reel|example\.test|127\.0\.0\.1/i);
    expect(await bytesToday(userId)).toBe(before + 1_000_000);

    const whole = await fetchRaw(front.port, link);
    expect(whole.status).toBe(200);
    expect(whole.body.equals(film)).toBe(true);
  });

  it("a mark without nginx's secret is no mark: Reel reached directly sends the bytes itself and names no upstream", async () => {
    names.set("internal.example.test", "127.0.0.1");
    const link = linkPath(`http://internal.example.test:${port}/film.mp4`);
    expect((await fetchRaw(front.port, link, { headers: range(0, 99) })).status).toBe(206);
    const wrong = `${accelSecret.slice(0, -1)}${accelSecret.endsWith("0") ? "1" : "0"}`;
    const forged = ["front", "fallback", "front ", `front ${wrong}`, `fallback ${wrong}`, `front ${accelSecret}0`, `front  ${accelSecret}`, accelSecret, `FRONT ${accelSecret}`];
    for (const mark of forged) {
      const r = await fetchRaw(reel.port, link, { headers: { ...range(5, 9), "x-reel-accel": mark } });
      expect(r.status, mark).toBe(206);
      expect(r.headers["x-accel-redirect"], mark).toBeUndefined();
      expect(allHeaders(r.headers), mark).not.toMatch(/x-reel|example\.test|127\.0\.0\.1|_reel_proxy/i);
      expect(r.body.equals(film.subarray(5, 10)), mark).toBe(true);
    }
    // Nor did a forged `fallback` make Reel forget the link's upstream: nginx's own mark is still handed over.
    expect((await fetchRaw(reel.port, link, { headers: asNginx(5, 9) })).headers["x-reel-upstream"]).toBe(`http://127.0.0.1:${port}/film.mp4`);
    // Through nginx, whatever mark a client writes is replaced by nginx's: the range is handed over and arrives whole.
    const handOffs = handedOver.length;
    const through = await fetchRaw(front.port, link, { headers: { ...range(100, 199), "x-reel-accel": "fallback" } });
    expect(handedOver.slice(handOffs)).toEqual([link]);
    expect(through.status).toBe(206);
    expect(through.body.equals(film.subarray(100, 200))).toBe(true);
    expect(allHeaders(through.headers)).not.toMatch(/x-reel|example\.test|127\.0\.0\.1/i);
  });

  it("refuses a link whose host now resolves to a private address, even though nginx knew it", async () => {
    names.set("rebind.example.test", "127.0.0.1");
    const link = linkPath(`http://rebind.example.test:${port}/film.mp4`);
    expect((await fetchRaw(front.port, link, { headers: range(0, 99) })).status).toBe(206);
    expect((await fetchRaw(reel.port, link, { headers: asNginx(0, 99) })).headers["x-accel-redirect"]).toBeDefined();
    names.set("rebind.example.test", "10.0.0.7");
    const r = await fetchRaw(front.port, link, { headers: range(0, 99) });
    expect(r.status).toBe(403);
    expect(r.body.toString()).toMatch(/private/);
  });

  it("refuses a forged token, and the internal location cannot be asked for", async () => {
    names.set("media.example.test", "127.0.0.1");
    const link = linkPath(`http://media.example.test:${port}/film.mp4`);
    const forged = link.replace(/^\/proxy\/([^.]+)\.(\d+)\.[^/]+\//, "/proxy/$1.$2.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/");
    expect(forged).not.toBe(link);
    expect((await fetchRaw(front.port, forged, { headers: range(0, 99) })).status).toBe(403);
    expect((await fetchRaw(front.port, `/_reel_proxy/${randomUUID()}`)).status).toBe(404);
  });

  it("an upstream redirect is neither followed by nginx nor passed on: Reel answers it on its own path", async () => {
    names.set("media.example.test", "127.0.0.1");
    names.set("moving.example.test", "127.0.0.1");
    const link = linkPath(`http://moving.example.test:${port}/film.mp4`);
    expect((await fetchRaw(front.port, link, { headers: range(0, 99) })).status).toBe(206);
    // The host moves to a server that redirects, with a signed URL in its Location.
    names.set("moving.example.test", "127.0.0.2");
    const r = await fetchRaw(front.port, link, { headers: range(300, 399) });
    expect(r.status).toBe(206);
    expect(r.body.equals(film.subarray(300, 400))).toBe(true);
    expect(r.headers.location).toBeUndefined();
    expect(allHeaders(r.headers)).not.toMatch(/upstream-secret|example\.test/);
    // Reel followed it by hand and checked it; the URL that answered is nginx's next upstream.
    const direct = await fetchRaw(reel.port, link, { headers: asNginx(0, 9) });
    expect(direct.headers["x-reel-upstream-host"]).toBe(`media.example.test:${port}`);
    expect(direct.headers["x-reel-upstream"]).toBe(`http://127.0.0.1:${port}/film.mp4?signature=upstream-secret`);
  });

  it("ignores an X-Accel-Redirect from the upstream (it would open another video's files)", async () => {
    names.set("media.example.test", "127.0.0.1");
    const link = linkPath(`http://media.example.test:${port}/evil.mp4`);
    for (let i = 0; i < 2; i++) {
      const r = await fetchRaw(front.port, link, { headers: range(0, 99) });
      expect(r.status).toBe(206);
      expect(r.body.equals(film.subarray(0, 100))).toBe(true);
    }
    expect((await fetchRaw(reel.port, link, { headers: asNginx(0, 9) })).headers["x-accel-redirect"]).toBeDefined();
  });

  it("playlists stay with Reel, which rewrites them", async () => {
    names.set("media.example.test", "127.0.0.1");
    const link = linkPath(`http://media.example.test:${port}/index.m3u8`, "playlist");
    for (let i = 0; i < 2; i++) {
      const r = await fetchRaw(front.port, link);
      expect(r.status).toBe(200);
      expect(r.headers["content-type"]).toBe("application/vnd.apple.mpegurl");
      expect(r.body.toString()).toMatch(/^\/proxy\/.+\/media$/m);
      expect(r.body.toString()).not.toMatch(/film\.mp4|example\.test/);
    }
    expect((await fetchRaw(reel.port, link, { headers: { "x-reel-accel": `front ${accelSecret}` } })).headers["x-accel-redirect"]).toBeUndefined();
  });
});
