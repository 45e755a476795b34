import { randomBytes, randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import http from "node:http";
import type { Socket } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

// The upstreams of these tests are on loopback, which only this test-only setting lets through.
vi.hoisted(() => {
  process.env.REEL_UNSAFE_ALLOW_LOOPBACK_FETCH = "1";
});

import * as linksRoute from "@/app/api/proxy/links/route";
import * as linkRoute from "@/app/api/proxy/links/[id]/route";
import type { Viewer } from "@/lib/auth/viewer";
import { AppError } from "@/lib/errors";
import { bridge, fetchRaw, findNginx, freePort, listen, startNginx, type NginxProcess, type Served } from "@/lib/media/test-support";
import { forgetFetchPolicy } from "@/lib/net/current-policy";
import type { Resolver } from "@/lib/net/safe-fetch";
import { setSetting, settingDefinitions } from "@/lib/settings";
import { asViewer } from "@/test/factories";
import { makeSource } from "@/test/media";
import { createTokenUser } from "@/test/serve-routes";
import { ProxyLimiter } from "./limits";
import { createLink, linkSource, proxyUsageReport } from "./links";
import { createProxyHandler } from "./node-adapter";
import { createWebProxyHandler } from "./web-adapter";
import { proxyBase, proxyUri, type RefKind } from "./paths";
import { addProxyUsage } from "./queries";
import { dailyByteLimit, flushUsage } from "./usage";

/**
 * Play a link over real HTTP on loopback: Debian's nginx is the upstream (with and without ranges, redirects,
 * playlists), a small Node server plays the misbehaving ones (stalls, lies about its length, streams forever).
 */

const nginxBinary = findNginx();
if (!nginxBinary) throw new Error("These tests need nginx (apt-get install nginx-light)");

let dir: string;
let upstream: NginxProcess;
let odd: Served;
let reel: Served;
let film: Buffer;
let viewer: Viewer;
let origin: string;
const oddSockets: { path: string; closed: Promise<void> }[] = [];
/** A public-looking name for the loopback upstream, allowed only because of the test-only setting. */
/** Where rebind.example.test points now: a test moves it to a private address between two ranges. */
let rebindTo = "127.0.0.1";
const resolve: Resolver = async (host) => {
  if (host === "media.example.test") return [{ address: "127.0.0.1", family: 4 }];
  if (host === "rebind.example.test") return [{ address: rebindTo, family: 4 }];
  if (host === "nas.home.arpa") return [{ address: "192.168.255.254", family: 4 }];
  throw new Error("ENOTFOUND");
};

beforeAll(async () => {
  film = await fs.readFile(makeSource({ name: "link.mp4", width: 320, height: 180, seconds: 2, codecArgs: ["-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-movflags", "+faststart"] }));
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "reel-proxy-"));
  await fs.chmod(dir, 0o755);
  const www = path.join(dir, "www");
  const put = async (rel: string, bytes: Buffer | string) => {
    await fs.mkdir(path.dirname(path.join(www, rel)), { recursive: true });
    await fs.writeFile(path.join(www, rel), bytes);
  };
  await put("film.mp4", film);
  await put("page.mp4", "<!DOCTYPE html><html><body>Sorry, this video was removed</body></html>");
  await put("page.html", "<!DOCTYPE html><html><body>A page</body></html>");
  await put("hls/master.m3u8", "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=300000,RESOLUTION=320x180\nlow/index.m3u8\n#EXT-X-STREAM-INF:BANDWIDTH=900000,RESOLUTION=640x360\n/hls/high/index.m3u8\n");
  for (const rung of ["low", "high"]) {
    await put(`hls/${rung}/index.m3u8`, `#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-MAP:URI="init.mp4"\n#EXTINF:2.0,\nseg0.m4s\n#EXTINF:1.5,\nseg1.m4s\n#EXT-X-ENDLIST\n`);
    await put(`hls/${rung}/init.mp4`, randomBytes(300));
    await put(`hls/${rung}/seg0.m4s`, randomBytes(5000));
    await put(`hls/${rung}/seg1.m4s`, randomBytes(4000));
  }
  await put("hls/evil.m3u8", '#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-KEY:METHOD=AES-128,URI="http://10.0.0.1/key"\n#EXTINF:2.0,\nhttp://169.254.169.254/latest/meta-data/\n#EXT-X-ENDLIST\n');
  // 50 MB of playlist.
  const handle = await fs.open(path.join(www, "big.m3u8"), "w");
  await handle.write("#EXTM3U\n#EXT-X-TARGETDURATION:1\n");
  const block = "#EXTINF:1.0,\nsegment-0000000.ts\n".repeat(32_768);
  for (let written = 0; written < 50 * 1024 * 1024; written += block.length) await handle.write(block);
  await handle.close();

  const port = await freePort(3400, 3449);
  origin = `http://127.0.0.1:${port}`;
  upstream = await startNginx(
    nginxBinary!,
    dir,
    port,
    `  server {
    listen 127.0.0.1:${port};
    root ${www};
    sendfile on;
    types { video/mp4 mp4 m4s; application/vnd.apple.mpegurl m3u8; text/html html; }
    location /norange/ { alias ${www}/; max_ranges 0; }
    location = /r/a { return 302 /r/b; }
    location = /r/b { return 301 http://media.example.test:${port}/film.mp4; }
    location = /r/private { return 302 http://media.example.test:${port}/r/private2; }
    location = /r/private2 { return 302 http://10.0.0.1/film.mp4; }
    location = /r/metadata { return 307 http://169.254.169.254/latest/meta-data/; }
    location = /r/loop { return 302 /r/loop; }
  }`,
  );

  odd = await listen((req, res) => {
    const socket = req.socket as Socket;
    oddSockets.push({ path: req.url ?? "", closed: new Promise((done) => socket.once("close", () => done())) });
    if (req.url === "/stall-headers.mp4") return; // never answers
    if (req.url === "/stall-body.mp4") {
      res.writeHead(200, { "content-type": "video/mp4", "content-length": String(film.length) });
      return void res.write(film.subarray(0, 1000));
    }
    if (req.url === "/liar.mp4") {
      res.writeHead(200, { "content-type": "video/mp4", "content-length": "100000" });
      res.write(film.subarray(0, 1000), () => socket.destroy());
      return;
    }
    if (req.url === "/endless.mp4") {
      res.writeHead(200, { "content-type": "video/mp4" });
      const more = () => {
        while (res.write(randomBytes(64 * 1024)));
        res.once("drain", more);
      };
      return more();
    }
    const ranged = /^\/ranged\/([a-z-]+)\.mp4$/.exec(req.url ?? "");
    if (ranged) return servedRange(ranged[1], req, res);
    res.writeHead(404).end();
  });

  reel = await listen(createProxyHandler({ resolve, limiter: new ProxyLimiter({ maxStreams: 100, perMinute: 100_000 }), idleTimeoutMs: 500, connectTimeoutMs: 500 }));
  viewer = asViewer((await createTokenUser()).user);
});

afterAll(async () => {
  await reel?.close();
  await odd?.close();
  await upstream?.stop();
  await fs.rm(dir, { recursive: true, force: true });
});

/** Requests per /ranged/<how>.mp4, and the socket each came on. */
const rangedRequests = new Map<string, Socket[]>();

/**
 * /ranged/<how>.mp4 answers its first range as a file server does (206, its Content-Range and length), so the proxy
 * takes the link's next ranges over its relay; then `how` says what changes: `plain` nothing, `ignores-ranges` the
 * whole file with a 200, `short` the head of a range but only part of its body, `stall` the head and one chunk.
 */
function servedRange(how: string, req: http.IncomingMessage, res: http.ServerResponse): void {
  const seen = rangedRequests.get(how) ?? [];
  rangedRequests.set(how, [...seen, req.socket as Socket]);
  const [, from, to] = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? "") ?? [];
  const start = Number(from);
  const end = Math.min(Number(to), film.length - 1);
  const head = { "content-type": "video/mp4", "content-range": `bytes ${start}-${end}/${film.length}`, "content-length": String(end - start + 1) };
  if (seen.length === 0 || how === "plain") return void res.writeHead(206, head).end(film.subarray(start, end + 1));
  if (how === "ignores-ranges") return void res.writeHead(200, { "content-type": "video/mp4", "content-length": String(film.length) }).end(film);
  res.writeHead(206, head);
  if (how === "short") return void res.write(film.subarray(start, start + 1000), () => req.socket.destroy());
  res.write(film.subarray(start, start + 1000));
}

/** A proxy path for any upstream URL (what a link or a rewritten playlist gives the browser). */
function proxied(url: string, kind: RefKind = "bytes", linkId = randomUUID(), userId = viewer.id): string {
  return proxyUri(proxyBase(linkId, 600).base, { url, userId, kind }, linkId);
}

async function refusal(promise: Promise<unknown>): Promise<{ status: number; reason: string; message: string }> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(AppError);
  const e = error as AppError;
  return { status: e.status, reason: (e.details as { reason: string }).reason, message: e.message };
}

describe("validating a link", () => {
  it("tells what an MP4 is: size, ranges, duration, picture", async () => {
    const row = await createLink(viewer, `${origin}/film.mp4?token=secret`, { resolve });
    expect(row).toMatchObject({ kind: "progressive", contentType: "video/mp4", size: film.length, acceptRanges: true, seekable: true, width: 320, height: 180, title: "film.mp4" });
    expect(row.duration).toBeGreaterThan(1.9);
  });

  it("an upstream without ranges is reported as not seekable", async () => {
    const row = await createLink(viewer, `${origin}/norange/film.mp4`, { resolve });
    expect(row).toMatchObject({ acceptRanges: false, seekable: false, size: film.length });
  });

  it("an HLS master playlist: duration from its first variant, picture from the best", async () => {
    const row = await createLink(viewer, `${origin}/hls/master.m3u8`, { resolve });
    expect(row).toMatchObject({ kind: "hls", seekable: true, duration: 3.5, width: 640, height: 360 });
  });

  it("follows redirects through a public-looking name the test-only setting allows", async () => {
    const row = await createLink(viewer, `${origin}/r/a`, { resolve });
    expect(row.kind).toBe("progressive");
  });

  it("refuses each bad form with its status and reason", async () => {
    const cases: Array<[string, number, string, object?]> = [
      ["ftp://example.com/a.mp4", 400, "bad_url"],
      ["http://user:pw@example.com/a.mp4", 400, "bad_url"],
      ["http://10.0.0.1/a.mp4", 403, "not_allowed"],
      [`${origin}/film.mp4`, 403, "not_allowed", { allowLoopback: false }],
      // The first hop is allowed by the test-only setting; the private address two hops later is not.
      [`${origin}/r/private`, 403, "not_allowed"],
      [`${origin}/r/metadata`, 403, "not_allowed"],
      [`${origin}/r/loop`, 502, "upstream_error"],
      [`${origin}/page.mp4`, 422, "not_video"],
      [`${origin}/missing.mp4`, 502, "upstream_error"],
      [`${origin}/big.m3u8`, 422, "not_video"],
      [`http://127.0.0.1:${odd.port}/stall-headers.mp4`, 504, "timeout"],
    ];
    for (const [url, status, reason, extra] of cases) {
      const got = await refusal(createLink(viewer, url, { resolve, connectTimeoutMs: 500, idleTimeoutMs: 300, ...extra }));
      expect({ url, status: got.status, reason: got.reason }).toEqual({ url, status, reason });
    }
  });

  it("a private host name is refused until an admin lists it", async () => {
    const url = "http://nas.home.arpa/film.mp4";
    expect((await refusal(createLink(viewer, url, { resolve }))).status).toBe(403);
    await setSetting("fetchPrivateHosts", ["nas.home.arpa"]);
    forgetFetchPolicy();
    try {
      // Allowed now: nothing answers at that address, so the connection fails instead.
      expect(["upstream_error", "timeout"]).toContain((await refusal(createLink(viewer, url, { resolve, connectTimeoutMs: 200 }))).reason);
    } finally {
      await setSetting("fetchPrivateHosts", []);
      forgetFetchPolicy();
    }
  });
});

describe("streaming through /proxy/", () => {
  it("passes the whole file, and 206 and 416 answers to ranges, with exact lengths", async () => {
    const url = proxied(`${origin}/film.mp4`);
    const whole = await fetchRaw(reel.port, url);
    expect(whole.status).toBe(200);
    expect(whole.body.equals(film)).toBe(true);
    expect(whole.headers["content-length"]).toBe(String(film.length));

    const part = await fetchRaw(reel.port, url, { headers: { range: "bytes=100-1123" } });
    expect(part.status).toBe(206);
    expect(part.headers["content-range"]).toBe(`bytes 100-1123/${film.length}`);
    expect(part.headers["content-length"]).toBe("1024");
    expect(part.body.equals(film.subarray(100, 1124))).toBe(true);

    const tail = await fetchRaw(reel.port, url, { headers: { range: "bytes=-10" } });
    expect(tail.body.equals(film.subarray(-10))).toBe(true);

    const beyond = await fetchRaw(reel.port, url, { headers: { range: `bytes=${film.length + 5}-` } });
    expect(beyond.status).toBe(416);
    expect(beyond.headers["content-range"]).toBe(`bytes */${film.length}`);
  });

  it("an upstream that answers 200 to a Range request: bytes up to the start are skipped, the answer is a 206", async () => {
    const url = proxied(`${origin}/norange/film.mp4`);
    const part = await fetchRaw(reel.port, url, { headers: { range: "bytes=5000-5999" } });
    expect(part.status).toBe(206);
    expect(part.headers["content-range"]).toBe(`bytes 5000-5999/${film.length}`);
    expect(part.body.equals(film.subarray(5000, 6000))).toBe(true);
    const whole = await fetchRaw(reel.port, url);
    expect(whole.status).toBe(200);
    expect(whole.headers["accept-ranges"]).toBe("none");
  });

  it("rewrites HLS playlists so no upstream URL reaches the browser, and every URI plays through the proxy", async () => {
    const master = await fetchRaw(reel.port, proxied(`${origin}/hls/master.m3u8`, "playlist"));
    expect(master.status).toBe(200);
    expect(master.headers["content-type"]).toBe("application/vnd.apple.mpegurl");
    const text = master.body.toString();
    expect(text).not.toMatch(/127\.0\.0\.1|hls\/|low|high/);
    const variants = text.split("\n").filter((l) => l.startsWith("/proxy/"));
    expect(variants).toHaveLength(2);
    const media = (await fetchRaw(reel.port, variants[1])).body.toString();
    expect(media).toContain("#EXT-X-ENDLIST");
    expect(media).not.toContain("init.mp4");
    const init = /URI="([^"]+)"/.exec(media)![1];
    const segment = media.split("\n").find((l) => l.startsWith("/proxy/"))!;
    expect((await fetchRaw(reel.port, init)).body.equals(await fs.readFile(path.join(dir, "www/hls/high/init.mp4")))).toBe(true);
    expect((await fetchRaw(reel.port, segment)).body.equals(await fs.readFile(path.join(dir, "www/hls/high/seg0.m4s")))).toBe(true);
  });

  it("checks every rewritten URI when it is fetched: segment and key at private addresses are refused", async () => {
    const playlist = await fetchRaw(reel.port, proxied(`${origin}/hls/evil.m3u8`, "playlist"));
    expect(playlist.status).toBe(200);
    const key = /URI="([^"]+)"/.exec(playlist.body.toString())![1];
    const segment = playlist.body.toString().split("\n").find((l) => l.startsWith("/proxy/"))!;
    expect((await fetchRaw(reel.port, key)).status).toBe(403);
    expect((await fetchRaw(reel.port, segment)).status).toBe(403);
  });

  it("refuses a 50 MB playlist, an HTML page, and paths it did not sign", async () => {
    expect((await fetchRaw(reel.port, proxied(`${origin}/big.m3u8`, "playlist"))).status).toBe(502);
    expect((await fetchRaw(reel.port, proxied(`${origin}/page.html`))).status).toBe(502);
    const good = proxied(`${origin}/film.mp4`);
    const [, , token, linkId, ref, name] = good.split("/");
    expect((await fetchRaw(reel.port, `/proxy/${token.slice(0, -2)}xx/${linkId}/${ref}/${name}`)).status).toBe(403);
    // A sealed reference only opens under the link it was made for.
    const other = randomUUID();
    const otherToken = proxyBase(other, 600).base.split("/")[2];
    expect((await fetchRaw(reel.port, `/proxy/${otherToken}/${other}/${ref}/${name}`)).status).toBe(404);
  });

  it("breaks the response off when the upstream stalls or sends less than it announced", async () => {
    for (const name of ["stall-body.mp4", "liar.mp4"]) {
      const outcome = await new Promise<{ status: number; received: number; complete: boolean }>((done) => {
        http.get({ host: "127.0.0.1", port: reel.port, path: proxied(`http://127.0.0.1:${odd.port}/${name}`), agent: false }, (res) => {
          let received = 0;
          res.on("data", (c: Buffer) => (received += c.length));
          res.on("error", () => undefined);
          res.on("close", () => done({ status: res.statusCode!, received, complete: res.complete }));
        });
      });
      expect(outcome).toMatchObject({ status: 200, received: 1000, complete: false });
    }
  });

  it("closes the upstream connection within a second of the client going away", async () => {
    const before = oddSockets.length;
    await new Promise<void>((done) => {
      const req = http.get({ host: "127.0.0.1", port: reel.port, path: proxied(`http://127.0.0.1:${odd.port}/endless.mp4`), agent: false }, (res) => {
        res.once("data", () => {
          req.destroy();
          done();
        });
      });
    });
    const upstreamSide = oddSockets[before];
    expect(upstreamSide.path).toBe("/endless.mp4");
    await expect(Promise.race([upstreamSide.closed.then(() => "closed"), new Promise((r) => setTimeout(() => r("still open"), 1000))])).resolves.toBe("closed");
  });

  it("takes a link's next ranges over one kept connection to the URL that answered, byte for byte", async () => {
    const url = proxied(`http://127.0.0.1:${odd.port}/ranged/plain.mp4`);
    for (const [start, end] of [[0, 99], [1000, 70_000], [film.length - 10, film.length - 1], [5, 5]]) {
      const part = await fetchRaw(reel.port, url, { headers: { range: `bytes=${start}-${end}` } });
      expect(part.status).toBe(206);
      expect(part.headers["content-range"]).toBe(`bytes ${start}-${end}/${film.length}`);
      expect(part.body.equals(film.subarray(start, end + 1))).toBe(true);
    }
    const [first, ...relayed] = rangedRequests.get("plain")!;
    expect(relayed).toHaveLength(3);
    expect(new Set(relayed).size).toBe(1);
    expect(relayed[0]).not.toBe(first);
  });

  it("asks again on the general path when the upstream changes its answer", async () => {
    const url = proxied(`http://127.0.0.1:${odd.port}/ranged/ignores-ranges.mp4`);
    for (let i = 0; i < 2; i++) {
      const part = await fetchRaw(reel.port, url, { headers: { range: "bytes=3000-3999" } });
      expect(part.status).toBe(206);
      expect(part.body.equals(film.subarray(3000, 4000))).toBe(true);
    }
  });

  it("checks the address of every range it relays: a name that moves to a private address is refused", async () => {
    rebindTo = "127.0.0.1";
    const url = proxied(`http://rebind.example.test:${odd.port}/ranged/plain.mp4`);
    try {
      expect((await fetchRaw(reel.port, url, { headers: { range: "bytes=0-9" } })).status).toBe(206);
      expect((await fetchRaw(reel.port, url, { headers: { range: "bytes=10-19" } })).status).toBe(206);
      rebindTo = "10.0.0.1";
      expect((await fetchRaw(reel.port, url, { headers: { range: "bytes=20-29" } })).status).toBe(403);
    } finally {
      rebindTo = "127.0.0.1";
    }
  });

  it("breaks a relayed range off when the upstream sends less than it announced, and closes the upstream when the client goes away", async () => {
    const received = (how: string, leave: boolean) =>
      new Promise<{ status: number; received: number; complete: boolean }>((done) => {
        const req = http.get({ host: "127.0.0.1", port: reel.port, path: proxied(`http://127.0.0.1:${odd.port}/ranged/${how}.mp4`, "bytes", linkOf(how)), agent: false, headers: { range: "bytes=0-99999" } }, (res) => {
          let got = 0;
          res.on("data", (c: Buffer) => {
            got += c.length;
            if (leave) req.destroy();
          });
          res.on("error", () => undefined);
          res.on("close", () => done({ status: res.statusCode!, received: got, complete: res.complete }));
        });
        req.on("error", () => undefined);
      });
    const links = new Map<string, ReturnType<typeof randomUUID>>();
    const linkOf = (how: string) => links.get(how) ?? (links.set(how, randomUUID()), links.get(how)!);
    expect(await received("short", false)).toMatchObject({ status: 206, received: 100_000, complete: true });
    expect(await received("short", false)).toMatchObject({ status: 206, received: 1000, complete: false });

    expect(await received("stall", false)).toMatchObject({ status: 206, complete: true });
    await received("stall", true);
    const upstreamSide = rangedRequests.get("stall")!.at(-1)!;
    await expect(Promise.race([new Promise((r) => (upstreamSide.destroyed ? r("closed") : upstreamSide.once("close", () => r("closed")))), new Promise((r) => setTimeout(() => r("still open"), 1000))])).resolves.toBe("closed");
  });

  it("limits the streams one user has open at once", async () => {
    // Held streams are paused, so their upstreams go quiet: this server's idle timeout must outlast the test.
    const limiter = new ProxyLimiter({ maxStreams: 3, perMinute: 100_000 });
    const patient = await listen(createProxyHandler({ resolve, limiter }));
    const held: http.ClientRequest[] = [];
    for (let i = 0; i < 3; i++) {
      await new Promise<void>((done) => {
        held.push(http.get({ host: "127.0.0.1", port: patient.port, path: proxied(`http://127.0.0.1:${odd.port}/endless.mp4`), agent: false }, (res) => res.once("data", () => (res.pause(), done()))));
      });
    }
    expect(limiter.streams(viewer.id)).toBe(3);
    expect((await fetchRaw(patient.port, proxied(`${origin}/film.mp4`))).status).toBe(429);
    // Another user is not affected.
    const someone = asViewer((await createTokenUser()).user);
    expect((await fetchRaw(patient.port, proxied(`${origin}/film.mp4`, "bytes", randomUUID(), someone.id))).status).toBe(200);
    for (const req of held) req.destroy();
    await patient.close();
  });

  it("the route-handler adapter (Next alone) gives the same answers", async () => {
    const web = await listen(bridge(createWebProxyHandler({ resolve, limiter: new ProxyLimiter({ maxStreams: 100, perMinute: 100_000 }) })));
    try {
      const part = await fetchRaw(web.port, proxied(`${origin}/norange/film.mp4`), { headers: { range: "bytes=2000-2999" } });
      expect(part.status).toBe(206);
      expect(part.body.equals(film.subarray(2000, 3000))).toBe(true);
      const master = await fetchRaw(web.port, proxied(`${origin}/hls/master.m3u8`, "playlist"));
      expect(master.body.toString()).not.toMatch(/127\.0\.0\.1|low\//);
      expect((await fetchRaw(web.port, proxied("http://10.0.0.1/x.mp4"))).status).toBe(403);
      // The second range of a link comes over the relay, as a stream here.
      const link = proxied(`http://127.0.0.1:${odd.port}/ranged/plain.mp4`);
      for (const start of [0, 5000]) {
        const range = await fetchRaw(web.port, link, { headers: { range: `bytes=${start}-${start + 49_999}` } });
        expect(range.status).toBe(206);
        expect(range.body.equals(film.subarray(start, start + 50_000))).toBe(true);
      }
    } finally {
      await web.close();
    }
  });

  it("counts the bytes each user received per day, for admins", async () => {
    const someone = asViewer((await createTokenUser()).user);
    await fetchRaw(reel.port, proxied(`${origin}/film.mp4`, "bytes", randomUUID(), someone.id), { headers: { range: "bytes=0-999" } });
    await fetchRaw(reel.port, proxied(`${origin}/film.mp4`, "bytes", randomUUID(), someone.id));
    // The count is taken when a response has ended, just after its last byte reached the client.
    await expect.poll(async () => {
      await flushUsage();
      return (await proxyUsageReport(1)).find((u) => u.userId === someone.id);
    }).toMatchObject({ bytes: 1000 + film.length, streams: 2 });
  });

  it("refuses a person's streams and new links past the daily limit, counting what other processes relayed", async () => {
    const limit = film.length + 500;
    await setSetting("proxyDailyBytes", limit);
    dailyByteLimit.forget();
    try {
      const someone = await createTokenUser();
      const path = () => proxied(`${origin}/film.mp4`, "bytes", randomUUID(), someone.user.id);
      expect((await fetchRaw(reel.port, path())).status).toBe(200);
      // Under the limit still (it is counted once a response has ended): one more range, then no more.
      await expect.poll(async () => (await fetchRaw(reel.port, path(), { headers: { range: "bytes=0-999" } })).status).toBe(206);
      let refused: Awaited<ReturnType<typeof fetchRaw>> | undefined;
      await expect.poll(async () => (refused = await fetchRaw(reel.port, path(), { headers: { range: "bytes=0-999" } })).status).toBe(429);
      expect(refused!.body.toString()).toMatch(/daily limit .* is reached; it starts again at 00:00 UTC/);
      expect(Number(refused!.headers["retry-after"])).toBeGreaterThan(0);
      expect(Number(refused!.headers["retry-after"])).toBeLessThanOrEqual(86_400);

      // Bytes another web process relayed and wrote count too; the link API says so in its own words.
      const busy = await createTokenUser();
      await addProxyUsage([{ userId: busy.user.id, day: new Date().toISOString().slice(0, 10), bytes: limit, streams: 1 }]);
      expect((await fetchRaw(reel.port, proxied(`${origin}/film.mp4`, "bytes", randomUUID(), busy.user.id))).status).toBe(429);
      const post = await linksRoute.POST(
        new Request("http://reel.test/api/proxy/links", { method: "POST", headers: { authorization: busy.authorization, "content-type": "application/json" }, body: JSON.stringify({ url: `${origin}/film.mp4` }) }),
        { params: Promise.resolve({}) },
      );
      expect(post.status).toBe(429);
      expect(await post.json()).toMatchObject({ reason: "daily_limit" });

      // Others play on.
      const other = await createTokenUser();
      expect((await fetchRaw(reel.port, proxied(`${origin}/film.mp4`, "bytes", randomUUID(), other.user.id))).status).toBe(200);
    } finally {
      await setSetting("proxyDailyBytes", settingDefinitions.proxyDailyBytes.default);
      dailyByteLimit.forget();
    }
  });

  it("the player source of a link plays through the proxy", async () => {
    const row = await createLink(viewer, `${origin}/film.mp4`, { resolve });
    const source = linkSource(viewer, row);
    expect(source.mp4Url).toMatch(/^\/proxy\//);
    expect(JSON.stringify(source)).not.toContain("127.0.0.1");
    expect((await fetchRaw(reel.port, source.mp4Url!, { headers: { range: "bytes=0-99" } })).body.equals(film.subarray(0, 100))).toBe(true);
  });
});

describe("/api/proxy/links", () => {
  const call = (handler: (r: Request, c: { params: Promise<Record<string, string>> }) => Promise<Response>, auth: string, method: string, body?: object, params: Record<string, string> = {}) =>
    handler(new Request("http://reel.test/api/proxy/links", { method, headers: { authorization: auth, "content-type": "application/json" }, body: body ? JSON.stringify(body) : undefined }), { params: Promise.resolve(params) });

  it("validates, lists, and removes links; another member's link id is a 404", async () => {
    const owner = await createTokenUser();
    const other = await createTokenUser();
    const created = await call(linksRoute.POST, owner.authorization, "POST", { url: `${origin}/film.mp4?sig=abc` });
    expect(created.status).toBe(201);
    const link = (await created.json()) as { id: string; kind: string };
    expect(JSON.stringify(link)).not.toContain("sig=abc");

    const refused = await call(linksRoute.POST, owner.authorization, "POST", { url: `${origin}/page.mp4` });
    expect(refused.status).toBe(422);
    expect(await refused.json()).toMatchObject({ reason: "not_video", error: { message: expect.stringMatching(/web page/) } });

    expect((await call(linkRoute.GET, other.authorization, "GET", undefined, { id: link.id })).status).toBe(404);
    expect((await call(linkRoute.DELETE, other.authorization, "DELETE", undefined, { id: link.id })).status).toBe(404);
    const list = (await (await call(linksRoute.GET, owner.authorization, "GET")).json()) as { links: { id: string }[] };
    expect(list.links.map((l) => l.id)).toEqual([link.id]);
    expect((await call(linkRoute.DELETE, owner.authorization, "DELETE", undefined, { id: link.id })).status).toBe(204);
    await call(linksRoute.POST, owner.authorization, "POST", { url: `${origin}/hls/master.m3u8` });
    expect(await (await call(linksRoute.DELETE, owner.authorization, "DELETE")).json()).toEqual({ removed: 1 });
  });
});
