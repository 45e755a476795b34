import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { pipeline } from "node:stream/promises";
import type { FastPath } from "@/lib/server/fast-path";
import { PROXY_PREFIX } from "./paths";
import { proxy, type ProxyOptions } from "./stream";

/**
 * `/proxy/<token>/<linkId>/…` on the Node server, before Next (registered in lib/server/main.ts). The body is
 * piped: the upstream is read only as fast as the client takes it (backpressure), and when the client goes
 * away the upstream request is destroyed with it.
 */
export function createProxyHandler(options: ProxyOptions = {}) {
  return async function serveProxy(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? "";
    const query = url.indexOf("?");
    const gone = new AbortController();
    const onClose = () => {
      if (!res.writableFinished) gone.abort();
    };
    res.once("close", onClose);
    const answer = await proxy(
      { path: url.slice(PROXY_PREFIX.length, query < 0 ? undefined : query), method: req.method ?? "GET", range: req.headers.range ?? null, signal: gone.signal },
      options,
    );
    res.off("close", onClose);
    if (res.destroyed) {
      if (answer.body && "destroy" in answer.body) answer.body.destroy();
      return answer.settle(new Error("client went away"));
    }
    res.writeHead(answer.status, answer.headers);
    if (!answer.body || req.method === "HEAD") {
      if (answer.body && "destroy" in answer.body) answer.body.destroy();
      res.end();
      return answer.settle();
    }
    if (Buffer.isBuffer(answer.body)) {
      res.end(answer.body);
      return answer.settle();
    }
    try {
      await pipeline(answer.body, res);
      answer.settle();
    } catch (error) {
      // Either side broke off: pipeline has destroyed both, which closes the upstream connection.
      answer.settle(error as Error);
    }
  };
}

export const proxyFastPath: FastPath = { prefix: PROXY_PREFIX, handle: createProxyHandler() };
