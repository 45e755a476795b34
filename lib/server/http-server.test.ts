import http from "node:http";
import net, { type AddressInfo } from "node:net";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { CLIENT_IP_HEADER, clientIp } from "@/lib/auth/client-ip";
import { nodeHeaderSource } from "@/lib/http/node-headers";
import { mediaFastPath } from "@/lib/media/node-adapter";
import { HLS_SCRIPT_FILE, HLS_SCRIPT_PREFIX } from "@/lib/playback/hls-script";
import type { FastPath } from "./fast-path";
import { closeGracefully, createWebServer, type RequestHandler } from "./http-server";
import { hlsScriptFiles } from "./static-files";

const hlsScript = hlsScriptFiles();

const log = pino({ level: "silent" });
let server: http.Server | undefined;

afterEach(async () => {
  if (server) await closeGracefully(server, 100);
  server = undefined;
});

async function serve(fastPaths: FastPath[], fallback: RequestHandler, trustedProxies = 0) {
  server = createWebServer({ fastPaths, fallback, log, trustedProxies });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const echo =
  (name: string): RequestHandler =>
  (req, res) => {
    res.writeHead(200, { "content-type": "text/plain" }).end(`${name} ${req.method} ${req.url}`);
  };

describe("web server", () => {
  it("serves registered prefixes itself and hands everything else to the fallback", async () => {
    const base = await serve(
      [
        { prefix: "/fast/", handle: echo("fast") },
        // An entry that answers some requests itself and hands the rest on.
        { prefix: "/pass/", handle: (req, res, next) => next(req, res) },
      ],
      echo("next"),
    );
    const get = async (p: string) => (await fetch(base + p)).text();

    expect(await get("/fast/a/b.m3u8?token=x")).toBe("fast GET /fast/a/b.m3u8?token=x");
    expect(await get("/fast/")).toBe("fast GET /fast/");
    expect(await get("/pass/x")).toBe("next GET /pass/x");
    // Only the prefix as a path start counts: no match on look-alikes or in the query string.
    expect(await get("/fast")).toBe("next GET /fast");
    expect(await get("/fastest/x")).toBe("next GET /fastest/x");
    expect(await get("/api/health?next=/fast/")).toBe("next GET /api/health?next=/fast/");
    expect(await get("/")).toBe("next GET /");
  });

  it("tells handlers the socket's address, whatever the client claims", async () => {
    const base = await serve([], (req, res) => {
      res.end(clientIp(nodeHeaderSource(req.headers), 0));
    });
    const response = await fetch(`${base}/`, { headers: { [CLIENT_IP_HEADER]: "203.0.113.7" } });
    expect(await response.text()).toBe("127.0.0.1");
  });

  it("forbids content sniffing on every answer: fast paths (bytes, errors), Next's, and its own 500s", async () => {
    const base = await serve(
      [mediaFastPath, hlsScript, { prefix: "/broken/", handle: () => Promise.reject(new Error("boom")) }],
      (_req, res) => void res.writeHead(200, { "content-type": "application/json", "x-content-type-options": "nosniff" }).end("{}"),
    );
    const answers = await Promise.all(
      [`${HLS_SCRIPT_PREFIX}${HLS_SCRIPT_FILE}`, `${HLS_SCRIPT_PREFIX}other.js`, "/media/not-a-token/v/mp4/a.mp4", "/broken/x", "/api/anything"].map(async (path) => {
        const response = await fetch(base + path, { headers: { "x-forwarded-proto": "https" } });
        await response.arrayBuffer();
        return { path, status: response.status, nosniff: response.headers.get("x-content-type-options"), hsts: response.headers.get("strict-transport-security") };
      }),
    );
    expect(answers.map((a) => a.status)).toEqual([200, 404, 404, 500, 200]);
    // Once each, even where the handler sets it too; no HSTS: with no trusted proxy the client's header is not believed.
    for (const a of answers) expect(a, a.path).toMatchObject({ nosniff: "nosniff", hsts: null });
  });

  it("sends HSTS when a trusted proxy says the request came over HTTPS, and only then", async () => {
    const base = await serve([hlsScript], echo("next"), 1);
    const hsts = async (path: string, proto?: string) =>
      (await fetch(base + path, { headers: proto ? { "x-forwarded-proto": proto } : {} })).headers.get("strict-transport-security");
    expect(await hsts("/", "https")).toBe("max-age=31536000");
    expect(await hsts(`${HLS_SCRIPT_PREFIX}${HLS_SCRIPT_FILE}`, "https")).toBe("max-age=31536000");
    expect(await hsts("/", "http")).toBeNull();
    expect(await hsts("/")).toBeNull();
  });

  it("answers 500 when a fast path throws before responding, and keeps serving", async () => {
    const base = await serve(
      [
        {
          prefix: "/broken/",
          handle: async () => {
            throw new Error("boom");
          },
        },
      ],
      echo("next"),
    );
    const broken = await fetch(`${base}/broken/x`);
    expect(broken.status).toBe(500);
    expect(await broken.text()).toBe("Internal Server Error");
    expect(await (await fetch(`${base}/ok`)).text()).toBe("next GET /ok");
  });

  it("treats a client that goes away mid-request as routine, not as a server error", async () => {
    const lines: { level: number; msg: string }[] = [];
    const captured = pino({ level: "debug" }, { write: (line: string) => lines.push(JSON.parse(line)) });
    let failed!: () => void;
    const handlerFailed = new Promise<void>((resolve) => (failed = resolve));
    server = createWebServer({
      fastPaths: [],
      fallback: async (req) => {
        try {
          for await (const chunk of req) void chunk;
        } finally {
          failed();
        }
      },
      log: captured,
    });
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    const socket = net.connect((server.address() as AddressInfo).port, "127.0.0.1");
    socket.write("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\npartial");
    await new Promise((resolve) => setTimeout(resolve, 100));
    socket.destroy();
    await handlerFailed;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(lines.filter((l) => l.level >= 50)).toEqual([]);
    expect(lines.map((l) => l.msg)).toContain("client went away");
  });

  it("keeps connections alive between requests", async () => {
    const base = await serve([], echo("next"));
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const ports: number[] = [];
    for (let i = 0; i < 3; i++) {
      await new Promise<void>((resolve, reject) => {
        http
          .get(`${base}/r${i}`, { agent }, (res) => {
            expect(res.headers.connection).toBe("keep-alive");
            expect(res.headers["keep-alive"]).toBe("timeout=65");
            ports.push(res.socket.localPort!);
            res.resume().on("end", resolve);
          })
          .on("error", reject);
      });
    }
    agent.destroy();
    expect(new Set(ports).size).toBe(1);
  });

  it("lets an in-flight request finish when shutting down", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const base = await serve([], async (_req, res) => {
      await gate;
      res.end("finished");
    });
    const pending = fetch(`${base}/slow`).then((r) => r.text());
    await new Promise((resolve) => setTimeout(resolve, 50));
    const closing = closeGracefully(server!, 5_000);
    setTimeout(release, 50);
    expect(await pending).toBe("finished");
    await closing;
    expect(server!.listening).toBe(false);
    server = undefined;
  });
});
