import type { IncomingMessage, ServerResponse } from "node:http";
import { childLogger } from "@/lib/log";
import { accelHeaders, bodyChunks, unstreamedBody } from "./bodies";
import { decide, type Decision } from "./decision";
import { accelPrefixOf, createMediaResolver, MEDIA_PREFIX, releaseFile, type MediaFile, type MediaHandlerOptions } from "./resolve";

/**
 * The self-hosted byte path: `/media/<token>/<videoId>/<rel>` answered by Node directly, before
 * Next sees the request (registered in lib/server/fast-paths.ts). Bodies go out in bounded chunks,
 * each read once the socket has taken the previous one (bodies.ts); every answer carries an exact
 * Content-Length, so connections stay keep-alive.
 */

export type NodeMediaHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

const log = childLogger("media");

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
      releaseFile(file);
      if (req.method !== "GET" && req.method !== "HEAD") return sendError(res, 405, "method not allowed", { allow: "GET, HEAD" });
      res.writeHead(200, accelHeaders(file, accelPrefix));
      res.end();
      return;
    }

    try {
      await send(res, decide(req.method ?? "GET", req.headers, file.meta), file);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // A client that goes away mid-body is normal for media (seeks, closed tabs).
      if (code !== "ERR_STREAM_PREMATURE_CLOSE") log.warn({ err: error, path: file.rel }, "media response failed");
      if (!res.headersSent) sendError(res, 500, "internal error");
      else res.destroy();
    }
  };
}

async function send(res: ServerResponse, decision: Decision, file: MediaFile): Promise<void> {
  const body = decision.body;
  if (decision.head || body.kind === "empty" || body.kind === "encoded") {
    const bytes = await unstreamedBody(decision, file);
    res.writeHead(decision.status, decision.headers);
    res.end(bytes);
    return;
  }
  try {
    res.writeHead(decision.status, decision.headers);
  } catch (error) {
    releaseFile(file);
    throw error;
  }
  const chunks = bodyChunks(file, body, true);
  try {
    // Each chunk is read only once the socket has taken the previous one: the response's memory is
    // one chunk whatever the range and however slowly the client reads.
    for (let chunk = await chunks.next(); !chunk.done; chunk = await chunks.next()) {
      if (!(await taken(res, chunk.value))) return; // the client went away; its chunk stays with the socket
    }
    res.end();
  } finally {
    // Releases the file when the body stopped early (a no-op once it has finished).
    await chunks.return();
  }
}

/**
 * Writes a chunk; true once the socket has taken it, false if the client went away first. An answer
 * queued behind another on a pipelined connection hears of that only through its request: Node then
 * neither closes the response nor calls its write callbacks.
 */
function taken(res: ServerResponse, chunk: Buffer): Promise<boolean> {
  return new Promise((resolve) => {
    const gone = () => resolve(false);
    res.once("close", gone);
    res.req.once("close", gone);
    res.write(chunk, (error) => {
      res.off("close", gone);
      res.req.off("close", gone);
      resolve(!error);
    });
  });
}

/** A short plain-text error that is never cached. */
export function sendError(res: ServerResponse, status: number, reason: string, extra?: Record<string, string>): void {
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
