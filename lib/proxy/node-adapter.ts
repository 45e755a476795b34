import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Readable } from "node:stream";
import { RangeBody } from "@/lib/net/range-relay";
import type { FastPath } from "@/lib/server/fast-path";
import { ACCEL_HEADER } from "./accel";
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
      {
        path: url.slice(PROXY_PREFIX.length, query < 0 ? undefined : query),
        method: req.method ?? "GET",
        range: req.headers.range ?? null,
        signal: gone.signal,
        accelHeader: req.headers[ACCEL_HEADER] as string | undefined,
      },
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
    if (answer.body instanceof RangeBody) return answer.body.relay(res, answer.settle);
    relay(answer.body, res, answer.settle);
  };
}

/**
 * pipe() with the ends tied: a body that breaks off breaks the response (the client must not take a short body
 * for a whole one), a client that goes away destroys the body (closing the upstream connection). Lighter per
 * response than stream.pipeline(), which matters for a player's many short range requests.
 */
function relay(body: Readable, res: ServerResponse, settle: (error?: Error | null) => void): void {
  let failure: Error | null = null;
  const fail = (error: Error) => {
    failure ??= error;
    res.destroy(error);
  };
  body.once("error", fail);
  body.once("aborted", () => fail(new Error("the upstream connection broke off")));
  res.once("close", () => {
    if (res.writableFinished) return settle(failure);
    body.destroy();
    settle(failure ?? new Error("client went away"));
  });
  body.pipe(res);
}

export const proxyFastPath: FastPath = { prefix: PROXY_PREFIX, handle: createProxyHandler() };
