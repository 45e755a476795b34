import fs from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fetchRaw } from "@/lib/media/test-support";
import { closeGracefully, createWebServer } from "./http-server";
import { HLS_FULL_SCRIPT_FILE, HLS_SCRIPT_DIR, HLS_SCRIPT_FILE, hlsScriptUrl } from "@/lib/playback/hls-script";
import { createStaticFiles, hlsScriptFiles } from "./static-files";

const NEXT_STATIC_PREFIX = "/_next/static/";

/** A plain HTTP request: the path sent as written (no URL normalisation), no decompression, no added headers. */
const request = (base: string, pathname: string, headers: Record<string, string> = {}, method = "GET") =>
  fetchRaw(Number(new URL(base).port), pathname, { method, headers });

const SCRIPT = `globalThis.chunk = ${JSON.stringify("x".repeat(5000))};\n`;
const STYLE = "body { color: red; }\n".repeat(200);
const FONT = Buffer.from([0x77, 0x4f, 0x46, 0x32, 0, 1, 2, 3]);

let dir: string;
let base: string;
let server: http.Server;
const handedOn: string[] = [];

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "reel-next-static-"));
  const root = path.join(dir, "static");
  await fs.mkdir(path.join(root, "chunks"), { recursive: true });
  await fs.mkdir(path.join(root, "media"), { recursive: true });
  await fs.writeFile(path.join(root, "chunks", "app-0a1b.js"), SCRIPT);
  await fs.writeFile(path.join(root, "chunks", "style-9z.css"), STYLE);
  await fs.writeFile(path.join(root, "media", "font-1.woff2"), FONT);
  // Outside the static folder, and a symlink that leads there.
  await fs.writeFile(path.join(dir, "secret.txt"), "not for the web");
  await fs.symlink(path.join(dir, "secret.txt"), path.join(root, "chunks", "link.js"));

  const files = createStaticFiles({ prefix: NEXT_STATIC_PREFIX, root });
  const onlyOne = createStaticFiles({ prefix: "/vendor/", root, only: ["chunks/app-0a1b.js"] });
  await Promise.all([files.warm(), onlyOne.warm()]);
  server = createWebServer({
    fastPaths: [files, onlyOne],
    fallback: (req, res) => {
      handedOn.push(req.url ?? "");
      res.writeHead(200, { "content-type": "text/plain" }).end("next");
    },
    log: pino({ level: "silent" }),
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await closeGracefully(server, 100);
  await fs.rm(dir, { recursive: true, force: true });
});

describe("static files", () => {
  it("serves a script with its type, immutable caching and validators", async () => {
    const res = await request(base, "/_next/static/chunks/app-0a1b.js");
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("text/javascript; charset=utf-8");
    expect(res.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(res.headers.vary).toBe("accept-encoding");
    expect(res.headers.etag).toMatch(/^"[0-9a-f]+-[0-9a-f]+"$/);
    expect(res.headers["content-length"]).toBe(String(Buffer.byteLength(SCRIPT)));
    expect(res.body.toString()).toBe(SCRIPT);
  });

  it("sends brotli or gzip as the client allows, each with its own ETag and exact length", async () => {
    const br = await request(base, "/_next/static/chunks/app-0a1b.js", { "accept-encoding": "gzip, deflate, br, zstd" });
    expect(br.headers["content-encoding"]).toBe("br");
    expect(br.headers["content-length"]).toBe(String(br.body.length));
    expect(br.body.length).toBeLessThan(Buffer.byteLength(SCRIPT) / 10);
    expect(zlib.brotliDecompressSync(br.body).toString()).toBe(SCRIPT);

    const gzip = await request(base, "/_next/static/chunks/style-9z.css", { "accept-encoding": "gzip" });
    expect(gzip.headers["content-type"]).toBe("text/css; charset=utf-8");
    expect(gzip.headers["content-encoding"]).toBe("gzip");
    expect(zlib.gunzipSync(gzip.body).toString()).toBe(STYLE);

    const identity = await request(base, "/_next/static/chunks/app-0a1b.js", { "accept-encoding": "br;q=0, gzip;q=0" });
    expect(identity.headers["content-encoding"]).toBeUndefined();
    expect(identity.body.toString()).toBe(SCRIPT);
    expect(new Set([br.headers.etag, gzip.headers.etag, identity.headers.etag]).size).toBe(3);
  });

  it("answers a revalidation with 304 and no body", async () => {
    const first = await request(base, "/_next/static/chunks/app-0a1b.js", { "accept-encoding": "br" });
    const again = await request(base, "/_next/static/chunks/app-0a1b.js", { "accept-encoding": "br", "if-none-match": first.headers.etag! });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    expect(again.headers.etag).toBe(first.headers.etag);
    expect(again.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
  });

  it("serves binary files as they are, HEAD without a body, and byte ranges", async () => {
    const font = await request(base, "/_next/static/media/font-1.woff2", { "accept-encoding": "br, gzip" });
    expect(font.headers["content-type"]).toBe("font/woff2");
    expect(font.headers["content-encoding"]).toBeUndefined();
    expect(font.body.equals(FONT)).toBe(true);

    const head = await request(base, "/_next/static/chunks/app-0a1b.js", { "accept-encoding": "br" }, "HEAD");
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    const get = await request(base, "/_next/static/chunks/app-0a1b.js", { "accept-encoding": "br" });
    expect(head.headers["content-length"]).toBe(get.headers["content-length"]);

    const range = await request(base, "/_next/static/media/font-1.woff2", { range: "bytes=2-5" });
    expect(range.status).toBe(206);
    expect(range.headers["content-range"]).toBe(`bytes 2-5/${FONT.length}`);
    expect(range.body.equals(FONT.subarray(2, 6))).toBe(true);
  });

  it("refuses other methods", async () => {
    const res = await request(base, "/_next/static/chunks/app-0a1b.js", {}, "POST");
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe("GET, HEAD");
  });

  it("answers 404 for unknown files and folders, without handing them to Next", async () => {
    for (const p of ["chunks/missing.js", "chunks", "chunks/app-0a1b.js/x", "nope/app-0a1b.js"]) {
      const res = await request(base, NEXT_STATIC_PREFIX + p);
      expect(res.status, p).toBe(404);
      expect(res.headers["cache-control"], p).toBe("no-store");
    }
    expect(handedOn).toEqual([]);
  });

  it("never serves anything outside the folder", async () => {
    const attempts = [
      "../secret.txt",
      "chunks/../../secret.txt",
      "%2e%2e/secret.txt",
      "chunks/%2e%2e/%2e%2e/secret.txt",
      "chunks%2f..%2f..%2fsecret.txt",
      "..%5csecret.txt",
      "%252e%252e/secret.txt",
      "chunks//app-0a1b.js",
      ".%2e/secret.txt",
      "chunks/link.js",
    ];
    for (const attempt of attempts) {
      const res = await request(base, NEXT_STATIC_PREFIX + attempt);
      expect([400, 404], attempt).toContain(res.status);
      expect(res.body.toString(), attempt).not.toContain("not for the web");
    }
  });

  it("serves only the files it was told to, when given a list", async () => {
    expect((await request(base, "/vendor/chunks/app-0a1b.js")).body.toString()).toBe(SCRIPT);
    expect((await request(base, "/vendor/chunks/style-9z.css")).status).toBe(404);
  });

  it("serves the installed hls.js under the versioned URL the watch page names, and nothing else of the package", async () => {
    const vendor = createWebServer({ fastPaths: [hlsScriptFiles()], fallback: (_req, res) => void res.writeHead(599).end(), log: pino({ level: "silent" }) });
    await new Promise<void>((resolve) => vendor.listen(0, "127.0.0.1", resolve));
    try {
      const at = `http://127.0.0.1:${(vendor.address() as AddressInfo).port}`;
      expect(hlsScriptUrl()).toMatch(/^\/_reel\/hls\/hls\.light\.min\.js\?v=\d+\.\d+\.\d+/);
      const res = await request(at, hlsScriptUrl(), { "accept-encoding": "br" });
      expect(res.status).toBe(200);
      expect(res.headers["content-type"]).toBe("text/javascript; charset=utf-8");
      expect(res.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
      expect(zlib.brotliDecompressSync(res.body).equals(await fs.readFile(path.join(HLS_SCRIPT_DIR, HLS_SCRIPT_FILE)))).toBe(true);
      // The full build, for videos with alternate audio, through the same fast path.
      const full = await request(at, hlsScriptUrl({ alternateAudio: true }), { "accept-encoding": "br" });
      expect(full.status).toBe(200);
      expect(zlib.brotliDecompressSync(full.body).equals(await fs.readFile(path.join(HLS_SCRIPT_DIR, HLS_FULL_SCRIPT_FILE)))).toBe(true);
      expect((await request(at, "/_reel/hls/hls.js")).status).toBe(404);
      expect((await request(at, "/_reel/hls/../package.json")).status).toBe(400);
    } finally {
      await closeGracefully(vendor, 100);
    }
  });

  it("hands every request to Next when turned off (development)", async () => {
    const files = createStaticFiles({ prefix: NEXT_STATIC_PREFIX, root: path.join(dir, "static"), enabled: false });
    const dev = createWebServer({
      fastPaths: [files],
      fallback: (_req, res) => void res.writeHead(200, { "content-type": "text/plain" }).end("next"),
      log: pino({ level: "silent" }),
    });
    await new Promise<void>((resolve) => dev.listen(0, "127.0.0.1", resolve));
    try {
      const res = await request(`http://127.0.0.1:${(dev.address() as AddressInfo).port}`, "/_next/static/chunks/app-0a1b.js");
      expect(res.body.toString()).toBe("next");
    } finally {
      await closeGracefully(dev, 100);
    }
  });
});
