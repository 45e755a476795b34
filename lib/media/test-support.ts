import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import fs from "node:fs/promises";
import http from "node:http";
import net, { type AddressInfo } from "node:net";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";

/** Loopback HTTP helpers shared by the media tests (real sockets, raw paths, keep-alive). */

export type Served = { port: number; close(): Promise<void> };

export async function listen(listener: http.RequestListener): Promise<Served> {
  const server = http.createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Runs a web-standard handler (Request → Response) behind Node http, the way the route handler
 * is exported. Unlike Next, it keeps the Content-Length the handler set.
 */
export function bridge(handler: (request: Request) => Promise<Response>): http.RequestListener {
  return async (req, res) => {
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === "string") headers.set(name, value);
    }
    const response = await handler(new Request(`http://${req.headers.host}${req.url}`, { method: req.method, headers }));
    res.writeHead(response.status, Object.fromEntries(response.headers));
    if (!response.body) return void res.end();
    await pipeline(Readable.fromWeb(response.body as import("node:stream/web").ReadableStream), res).catch(() => res.destroy());
  };
}

export type Reply = { status: number; headers: http.IncomingHttpHeaders; body: Buffer };

const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });

/** GET (or `method`) of a raw, unnormalised path, so traversal attempts reach the server as written. */
export function fetchRaw(port: number, rawPath: string, init: { method?: string; headers?: Record<string, string> } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, path: rawPath, method: init.method ?? "GET", headers: init.headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

/** Splits a multipart/byteranges body into its parts' Content-Range and bytes. */
export function parseMultipart(body: Buffer, contentType: string): Array<{ range: string; bytes: Buffer }> {
  const boundary = /boundary=([^;]+)/.exec(contentType)?.[1];
  if (!boundary) throw new Error(`no boundary in ${contentType}`);
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  const parts: Array<{ range: string; bytes: Buffer }> = [];
  let at = body.indexOf(delimiter);
  while (at >= 0) {
    const afterDelimiter = at + delimiter.length;
    if (body.subarray(afterDelimiter, afterDelimiter + 2).toString() === "--") break;
    const headerEnd = body.indexOf("\r\n\r\n", afterDelimiter);
    const head = body.subarray(afterDelimiter, headerEnd).toString("latin1");
    const range = /content-range:\s*bytes (\S+)/i.exec(head)?.[1] ?? "";
    const [, start, end] = /^(\d+)-(\d+)/.exec(range) ?? [];
    const dataStart = headerEnd + 4;
    const length = Number(end) - Number(start) + 1;
    parts.push({ range, bytes: body.subarray(dataStart, dataStart + length) });
    at = body.indexOf(delimiter, dataStart + length);
  }
  return parts;
}

/** The nginx binary, or null when none is installed (CI installs Debian's nginx-light). */
export function findNginx(): string | null {
  for (const candidate of ["/usr/sbin/nginx", "/usr/bin/nginx", "/usr/local/sbin/nginx", "/usr/local/nginx/sbin/nginx"]) {
    if (existsSync(candidate)) return candidate;
  }
  return null;
}

/** A free port in [from, to] on 127.0.0.1 (nginx cannot listen on port 0 and tell us the port). */
export async function freePort(from: number, to: number): Promise<number> {
  for (let port = from; port <= to; port++) {
    const free = await new Promise<boolean>((resolve) => {
      const probe = net.createServer();
      probe.once("error", () => resolve(false));
      probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error(`no free port in ${from}-${to}`);
}

export type NginxProcess = { port: number; pid: number; stop(): Promise<void> };

/**
 * Runs nginx in the foreground (`daemon off`) with its pid, logs and temp folders in `dir`,
 * serving `httpBlock` inside `http { }`. Resolves once it accepts connections. `workerConnections`
 * (default 1024) must exceed the clients a load test holds open at once.
 */
export async function startNginx(binary: string, dir: string, port: number, httpBlock: string, workerConnections = 1024): Promise<NginxProcess> {
  const conf = path.join(dir, "nginx.conf");
  const temp = (name: string) => `${name}_temp_path ${path.join(dir, name)};`;
  await fs.writeFile(
    conf,
    `daemon off;
worker_processes 1;
pid ${path.join(dir, "nginx.pid")};
error_log ${path.join(dir, "error.log")} warn;
events { worker_connections ${workerConnections}; }
http {
  access_log off;
  ${["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map(temp).join("\n  ")}
  keepalive_requests 100000;
${httpBlock}
}
`,
  );
  // No `-e` (nginx ≥ 1.19.5 only): error_log in the file takes over once the configuration is read.
  const child = spawn(binary, ["-p", dir, "-c", conf], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) {
      const log = await fs.readFile(path.join(dir, "error.log"), "utf8").catch(() => "");
      throw new Error(`nginx exited (${child.exitCode}): ${stderr}${log}`);
    }
    const up = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, "127.0.0.1", () => {
        socket.end();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (up) break;
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`nginx did not start listening on ${port}: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  return {
    port,
    pid: child.pid!,
    stop: async () => {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}

/** deploy/nginx/reel.conf with REEL_ACCEL_SECRET, Reel's address, the media folder and the listen address filled in. */
export async function renderReelConf(reelPort: number, mediaRoot: string, listenPort: number, accelSecret: string): Promise<string> {
  const template = await fs.readFile(path.join(import.meta.dirname, "../../deploy/nginx/reel.conf"), "utf8");
  const filled = template
    .replace('default "paste REEL_ACCEL_SECRET here";', `default "${accelSecret}";`)
    .replace("server 127.0.0.1:3000;", `server 127.0.0.1:${reelPort};`)
    .replace("alias /srv/reel/data/media/;", `alias ${mediaRoot.replace(/\/?$/, "/")};`)
    .replace("listen 80;", `listen 127.0.0.1:${listenPort};`);
  if (filled.includes("3000;") || filled.includes("/srv/reel") || filled.includes("listen 80;") || filled.includes("paste REEL_ACCEL_SECRET")) throw new Error("deploy/nginx/reel.conf changed shape");
  return filled;
}

/**
 * Sends every request at once on one connection (HTTP/1.1 pipelining) and reads nothing until
 * `whilePaused` has run, so the server's answers queue up behind a full socket meanwhile; then
 * parses them in order.
 */
export function pipelined(
  port: number,
  requests: Array<{ path: string; headers?: Record<string, string> }>,
  whilePaused: () => Promise<unknown>,
): Promise<Reply[]> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1");
    const replies: Reply[] = [];
    let pending: Buffer = Buffer.alloc(0);
    socket.on("error", reject);
    socket.on("connect", () => {
      socket.pause();
      socket.write(
        requests
          .map(({ path: p, headers = {} }) => `GET ${p} HTTP/1.1\r\nhost: 127.0.0.1\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join("")}\r\n`)
          .join(""),
      );
      setTimeout(() => whilePaused().then(() => socket.resume(), reject), 200);
    });
    socket.on("data", (chunk: Buffer) => {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      for (;;) {
        const headEnd = pending.indexOf("\r\n\r\n");
        if (headEnd < 0) break;
        const [statusLine, ...lines] = pending.subarray(0, headEnd).toString("latin1").split("\r\n");
        const headers: http.IncomingHttpHeaders = {};
        for (const line of lines) {
          const colon = line.indexOf(":");
          headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
        }
        const end = headEnd + 4 + Number(headers["content-length"] ?? 0);
        if (pending.length < end) break;
        replies.push({ status: Number(statusLine.split(" ")[1]), headers, body: Buffer.from(pending.subarray(headEnd + 4, end)) });
        pending = pending.subarray(end);
      }
      if (replies.length === requests.length) {
        socket.destroy();
        resolve(replies);
      }
    });
  });
}
