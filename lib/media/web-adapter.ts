import fs from "node:fs";
import { Readable } from "node:stream";
import { accelHeaders, encodedBody, multipartChunks, openFile } from "./bodies";
import { decide, type MediaRequestHeaders } from "./decision";
import { accelPrefixOf, createMediaResolver, MEDIA_PREFIX, type MediaHandlerOptions } from "./resolve";

/**
 * The same byte path as a web-standard handler (Request → Response), for deployments where only
 * Next runs: app/media/[...path]/route.ts exports it. Same resolver, same decision, same bodies
 * as the Node adapter. Slower (Next's per-request cost) and Next drops Content-Length from
 * route-handler responses (206 goes out chunked, HEAD without a length): prefer the Node server.
 */

export type WebMediaHandler = (request: Request) => Promise<Response>;

const CONDITIONAL_HEADERS = ["range", "if-match", "if-none-match", "if-modified-since", "if-unmodified-since", "if-range", "accept-encoding"] as const;

export function createWebMediaHandler(options: MediaHandlerOptions = {}): WebMediaHandler {
  const resolver = createMediaResolver(options);
  const accelPrefix = accelPrefixOf(options);

  return async function serveMediaRequest(request) {
    // The raw path (no URL parsing): WHATWG URL would already have merged dot segments.
    const url = request.url;
    const start = url.indexOf(MEDIA_PREFIX, url.indexOf("//") + 2);
    if (start < 0) return errorResponse(404, "not found");
    const query = url.indexOf("?", start);
    let found = resolver.resolve(url.slice(start + MEDIA_PREFIX.length, query < 0 ? undefined : query));
    if (found instanceof Promise) found = await found;
    if (!found.ok) return errorResponse(found.status, found.reason);
    const file = found.file;

    if (accelPrefix) {
      if (request.method !== "GET" && request.method !== "HEAD") return errorResponse(405, "method not allowed", { allow: "GET, HEAD" });
      return new Response(null, { status: 200, headers: accelHeaders(file, accelPrefix) });
    }

    const headers: MediaRequestHeaders = {};
    for (const name of CONDITIONAL_HEADERS) headers[name] = request.headers.get(name);
    const decision = decide(request.method, headers, file.meta);
    const body = decision.body;
    try {
      if (body.kind === "encoded") {
        const bytes = await encodedBody(file, body.encoding);
        decision.headers["content-length"] = String(bytes.length);
        return new Response(decision.head ? null : new Uint8Array(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.length), {
          status: decision.status,
          headers: decision.headers,
        });
      }
      if (decision.head || body.kind === "empty") return new Response(null, { status: decision.status, headers: decision.headers });
      const fd = await openFile(file.realPath);
      const stream =
        body.kind === "multipart"
          ? Readable.from(multipartChunks(fd, body.parts, body.tail))
          : fs.createReadStream("", { fd, start: body.start, end: body.end });
      return new Response(Readable.toWeb(stream) as ReadableStream<Uint8Array>, { status: decision.status, headers: decision.headers });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      resolver.forget(file);
      return errorResponse(404, "not found");
    }
  };
}

function errorResponse(status: number, reason: string, extra?: Record<string, string>): Response {
  return new Response(`${reason}\n`, {
    status,
    headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store", ...extra },
  });
}
