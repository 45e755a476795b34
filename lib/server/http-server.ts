import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { TLSSocket } from "node:tls";
import type { Logger } from "pino";
import { stampClientIp } from "@/lib/auth/client-ip";
import { env } from "@/lib/env";
import { requestProtocol } from "@/lib/http/forwarded";
import { nodeHeaderSource } from "@/lib/http/node-headers";
import { responseHeaders } from "@/lib/http/security-headers";
import { processCounters, type RequestCounters } from "@/lib/monitoring/counters";
import { routeLabel } from "@/lib/monitoring/rules";
import { matchFastPath, type FastPath } from "./fast-path";

/**
 * Bytes a socket reads ahead and a response buffers before backpressure applies (Node 20's default is 16 KiB). A
 * relayed or file body arrives in chunks of up to 64 KiB: at 16 KiB every chunk filled the socket's buffer, so reading
 * stopped until the client had taken it, one chunk at a time. With room for a few chunks, reading and writing overlap.
 */
export const SOCKET_HIGH_WATER_MARK = 256 * 1024;

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/**
 * Reel's one HTTP server: fast paths first, everything else to `fallback` (Next's request handler).
 * `trustedProxies` (REEL_TRUST_PROXY) decides whether X-Forwarded-Proto may say the request came over HTTPS.
 */
export function createWebServer(options: {
  fastPaths: readonly FastPath[];
  fallback: RequestHandler;
  log: Logger;
  trustedProxies?: number;
  /** Where request times are counted (lib/monitoring); the process's own by default. */
  counters?: RequestCounters;
}) {
  const { fastPaths, fallback, log, trustedProxies = env.REEL_TRUST_PROXY, counters = processCounters } = options;
  const slotOf = routeSlots(fastPaths, counters);
  const server = http.createServer({ highWaterMark: SOCKET_HIGH_WATER_MARK }, async (req, res) => {
    const started = performance.now();
    // Route handlers never see the socket: pass its address on, overwriting any client-sent value.
    stampClientIp(req);
    // Every answer, fast path or Next, error or not (pages add their document headers in proxy.ts).
    const https = Boolean((req.socket as TLSSocket).encrypted) || requestProtocol(nodeHeaderSource(req.headers), trustedProxies) === "https";
    for (const [name, value] of Object.entries(responseHeaders({ https }))) res.setHeader(name, value);
    const fast = matchFastPath(req.url, fastPaths);
    try {
      await (fast ? fast.handle(req, res, fallback) : fallback(req, res));
      counters.record(slotOf(fast, req), res.statusCode, performance.now() - started);
    } catch (error) {
      // A client that goes away mid-request (closed tab, aborted fetch) is routine, not a server error.
      const gone = req.destroyed && (error as Error)?.message === "aborted";
      counters.record(slotOf(fast, req), gone ? res.statusCode : 500, performance.now() - started);
      if (gone) {
        log.debug({ url: req.url }, "client went away");
        return;
      }
      log.error({ err: error, url: req.url, prefix: fast?.prefix }, "request failed");
      if (!res.headersSent) {
        res.writeHead(500, { "content-type": "text/plain" }).end("Internal Server Error");
      } else {
        res.destroy();
      }
    }
  });
  // Longer than the usual 60 s idle timeout of proxies and load balancers in front, so they close first.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  // Uploads and long downloads stream for minutes; slow clients are bounded by headersTimeout instead.
  server.requestTimeout = 0;
  return server;
}

/**
 * The counters' slot for a request. A fast path's slots per method are made once, so the media path names its
 * requests without building a string; other requests are named from their URL (lib/monitoring/rules.ts).
 */
function routeSlots(fastPaths: readonly FastPath[], counters: RequestCounters) {
  const bySlot = new Map(
    fastPaths.map((fast) => {
      const path = `${fast.prefix}${fast.exact ? "" : "*"}`;
      return [fast, [counters.slot(`GET ${path}`), counters.slot(`HEAD ${path}`), counters.slot(`OTHER ${path}`)]] as const;
    }),
  );
  return (fast: FastPath | undefined, req: IncomingMessage): number => {
    const slots = fast && bySlot.get(fast);
    if (!slots) return counters.slot(routeLabel(req.method, req.url));
    return slots[req.method === "GET" ? 0 : req.method === "HEAD" ? 1 : 2];
  };
}

/** Stops accepting, lets in-flight requests finish for up to `graceMs`, then cuts what is left. */
export async function closeGracefully(server: http.Server, graceMs: number) {
  if (!server.listening) return;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // Keep-alive connections turn idle as their last response ends; close each then, not after 65 s.
  const sweep = setInterval(() => server.closeIdleConnections(), 50);
  server.closeIdleConnections();
  const timer = setTimeout(() => server.closeAllConnections(), graceMs);
  await closed;
  clearInterval(sweep);
  clearTimeout(timer);
}
