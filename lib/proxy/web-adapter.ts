import "server-only";
import { Readable } from "node:stream";
import { RangeBody } from "@/lib/net/range-relay";
import { ACCEL_HEADER } from "./accel";
import { PROXY_PREFIX } from "./paths";
import { proxy, type ProxyOptions } from "./stream";

/**
 * The link proxy as a web-standard handler, for deployments where only Next runs (app/proxy/[...path]/route.ts).
 * Same checks, limits and answers as the Node fast path; Next drops Content-Length from these responses and costs
 * more per request, so prefer the Node server.
 */
export function createWebProxyHandler(options: ProxyOptions = {}) {
  return async function serveProxyRequest(request: Request): Promise<Response> {
    const url = request.url;
    const start = url.indexOf(PROXY_PREFIX, url.indexOf("//") + 2);
    if (start < 0) return new Response("not found\n", { status: 404 });
    const query = url.indexOf("?", start);
    const answer = await proxy(
      {
        path: url.slice(start + PROXY_PREFIX.length, query < 0 ? undefined : query),
        method: request.method,
        range: request.headers.get("range"),
        signal: request.signal,
        accelHeader: request.headers.get(ACCEL_HEADER),
      },
      options,
    );
    const init = { status: answer.status, headers: answer.headers };
    if (!answer.body || request.method === "HEAD") {
      if (answer.body && "destroy" in answer.body) answer.body.destroy();
      answer.settle();
      return new Response(null, init);
    }
    if (Buffer.isBuffer(answer.body)) {
      answer.settle();
      return new Response(new Uint8Array(answer.body), init);
    }
    const body = answer.body instanceof RangeBody ? answer.body.toReadable() : answer.body;
    body.once("end", () => answer.settle());
    body.once("error", (error) => answer.settle(error));
    body.once("close", () => answer.settle(body.readableEnded ? null : new Error("client went away")));
    return new Response(Readable.toWeb(body) as ReadableStream<Uint8Array>, init);
  };
}
