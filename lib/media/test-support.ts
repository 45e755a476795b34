import http from "node:http";
import type { AddressInfo } from "node:net";
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
