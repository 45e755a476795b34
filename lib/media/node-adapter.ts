import fs from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { childLogger } from "@/lib/log";
import { accelHeaders, encodedBody, multipartChunks, openFile } from "./bodies";
import { decide, type Decision } from "./decision";
import { accelPrefixOf, createMediaResolver, MEDIA_PREFIX, type MediaFile, type MediaHandlerOptions } from "./resolve";

/**
 * The self-hosted byte path: `/media/<token>/<videoId>/<rel>` answered by Node directly, before
 * Next sees the request (registered in lib/server/fast-paths.ts). fs streams with backpressure
 * through stream.pipeline; the connection stays keep-alive because every answer carries an exact
 * Content-Length.
 */

export type NodeMediaHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

const log = childLogger("media");

// One read for a typical segment or seek range instead of sixteen 64 KiB ones.
const READ_CHUNK = 512 * 1024;

export function createMediaHandler(options: MediaHandlerOptions = {}): NodeMediaHandler {
  const resolver = createMediaResolver(options);
  const accelPrefix = accelPrefixOf(options);

  return async function serveMedia(req, res) {
    const url = req.url ?? "";
    const query = url.indexOf("?");
    let found = resolver.resolve(url.slice(MEDIA_PREFIX.length, query < 0 ? undefined : query));
    if (found instanceof Promise) found = await found;
    if (!found.ok) return sendError(res, found.status, found.reason);
    const file = found.file;

    if (accelPrefix) {
      if (req.method !== "GET" && req.method !== "HEAD") return sendError(res, 405, "method not allowed", { allow: "GET, HEAD" });
      res.writeHead(200, accelHeaders(file, accelPrefix));
      res.end();
      return;
    }

    const decision = decide(req.method ?? "GET", req.headers, file.meta);
    try {
      await send(res, decision, file);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOENT") resolver.forget(file);
      if (!res.headersSent) return sendError(res, code === "ENOENT" ? 404 : 500, code === "ENOENT" ? "not found" : "internal error");
      // A client that goes away mid-body is normal for media (seeks, tab closed).
      if (code !== "ERR_STREAM_PREMATURE_CLOSE") log.warn({ err: error, path: file.rel }, "media response failed");
      res.destroy();
    }
  };
}

async function send(res: ServerResponse, decision: Decision, file: MediaFile): Promise<void> {
  const body = decision.body;
  if (body.kind === "encoded") {
    const bytes = await encodedBody(file, body.encoding);
    decision.headers["content-length"] = String(bytes.length);
    res.writeHead(decision.status, decision.headers);
    res.end(decision.head ? undefined : bytes);
    return;
  }
  if (decision.head || body.kind === "empty") {
    res.writeHead(decision.status, decision.headers);
    res.end();
    return;
  }
  const fd = await openFile(file.realPath);
  if (body.kind === "multipart") {
    res.writeHead(decision.status, decision.headers);
    await pipeline(Readable.from(multipartChunks(fd, body.parts, body.tail)), res);
    return;
  }
  const stream = fs.createReadStream(file.realPath, {
    fd,
    start: body.start,
    end: body.end,
    highWaterMark: Math.min(READ_CHUNK, body.end - body.start + 1),
  });
  res.writeHead(decision.status, decision.headers);
  await pipeline(stream, res);
}

function sendError(res: ServerResponse, status: number, reason: string, extra?: Record<string, string>): void {
  const body = `${reason}\n`;
  res.writeHead(status, {
    "content-type": "text/plain; charset=utf-8",
    "content-length": String(Buffer.byteLength(body)),
    "cache-control": "no-store",
    ...extra,
  });
  res.end(body);
}

/** The `/media/` handler configured from the environment. */
export const serveMedia: NodeMediaHandler = createMediaHandler();

/** The entry for lib/server/fast-paths.ts. */
export const mediaFastPath = { prefix: MEDIA_PREFIX, handle: serveMedia };
