import type { IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { sendError } from "@/lib/http/send-error";
import { childLogger } from "@/lib/log";
import { processCounters as counters } from "@/lib/monitoring/counters";
import { accelHeaders, BodyReader, giveChunk, takeChunk, unstreamedBody, withAttachment } from "./bodies";
import { decide, type Decision } from "./decision";
import { createBucketMediaHandler, type BucketMediaHandler } from "./bucket";
import { accelPrefixOf, bucketOf, createMediaResolver, MEDIA_PREFIX, releaseFile, type MediaFile, type MediaHandlerOptions } from "./resolve";

/**
 * The self-hosted byte path: `/media/<token>/<videoId>/<rel>` answered by Node directly, before
 * Next sees the request (registered in lib/server/main.ts). Bodies go out in bounded chunks,
 * each read once the socket has taken the previous one (bodies.ts); every answer carries an exact
 * Content-Length, so connections stay keep-alive.
 */

export type NodeMediaHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

const log = childLogger("media");

const SEND_TIMEOUT_MS = 60_000;

export function createMediaHandler(options: MediaHandlerOptions = {}): NodeMediaHandler {
  const bucket = bucketOf(options);
  const fromBucket = bucket && createBucketMediaHandler(bucket, options);
  const resolver = createMediaResolver(options);
  const accelPrefix = accelPrefixOf(options);
  const sendTimeoutMs = options.sendTimeoutMs ?? SEND_TIMEOUT_MS;

  async function serveFromBucket(handler: BucketMediaHandler, raw: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const answer = await handler(raw, req.method ?? "GET").catch((err: unknown) => {
      log.warn({ err, url: req.url }, "media from the bucket failed");
      return null;
    });
    if (!answer) return sendError(res, 502, "the media store did not answer");
    res.writeHead(answer.status, answer.headers);
    res.end(answer.body);
  }

  return async function serveMedia(req, res) {
    const url = req.url ?? "";
    // The query, when there is one, is part of what the resolver reads: `?download=<name>`.
    const raw = url.slice(MEDIA_PREFIX.length);
    let found = resolver.resolve(raw);
    if (found instanceof Promise) found = await found;
    // With a bucket, the disk is looked at first: files not yet moved by storage:migrate are served from there.
    if (!found.ok && found.status === 404 && fromBucket) return serveFromBucket(fromBucket, raw, req, res);
    if (!found.ok) {
      counters.countMedia(found.status);
      return sendError(res, found.status, found.reason);
    }
    const { file, attachment } = found;

    if (accelPrefix) {
      releaseFile(file);
      if (req.method !== "GET" && req.method !== "HEAD") {
        counters.countMedia(405);
        return sendError(res, 405, "method not allowed", { allow: "GET, HEAD" });
      }
      counters.countMedia(200);
      res.writeHead(200, accelHeaders(file, accelPrefix, attachment));
      res.end();
      return;
    }

    counters.mediaInFlight++;
    try {
      const decision = withAttachment(decide(req.method ?? "GET", req.headers, file.meta), attachment);
      counters.countMedia(decision.status);
      await send(res, decision, file, sendTimeoutMs);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // A client that goes away mid-body is normal for media (seeks, closed tabs).
      if (code !== "ERR_STREAM_PREMATURE_CLOSE") log.warn({ err: error, path: file.rel }, "media response failed");
      if (!res.headersSent) {
        counters.countMedia(500);
        sendError(res, 500, "internal error");
      } else res.destroy();
    } finally {
      counters.mediaInFlight--;
    }
  };
}

async function send(res: ServerResponse, decision: Decision, file: MediaFile, sendTimeoutMs: number): Promise<void> {
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
  await pump(res, new BodyReader(file, body), sendTimeoutMs);
}

/**
 * Sends the body chunk by chunk through one pooled buffer: the next chunk is read only once the
 * socket has taken the previous one. Resolves when the body is sent or the client has gone; the
 * file is released then, once no read is in flight.
 */
function pump(res: ServerResponse, reader: BodyReader, sendTimeoutMs: number): Promise<void> {
  const socket = res.req.socket;
  return new Promise((resolve, reject) => {
    const buffer = takeChunk();
    let reading = false;
    let finished = false;
    // Re-armed by each chunk the socket takes (refresh() allocates nothing); destroying the socket ends the body below.
    const stalled = setTimeout(() => socket.destroy(), sendTimeoutMs);
    const finish = (error: Error | null, sent: boolean) => {
      if (finished) return;
      finished = true;
      clearTimeout(stalled);
      onSocketClose(socket, gone, false);
      reader.close();
      // A response cut short keeps its buffer: the socket may still point at it.
      if (sent) giveChunk(buffer);
      if (error) reject(error);
      else resolve();
    };
    const gone = () => {
      if (!reading) finish(null, false);
    };
    const afterWrite = (error?: Error | null) => {
      if (error || socket.destroyed) return finish(null, false);
      stalled.refresh();
      step();
    };
    const afterRead = (error: Error | null, chunk: Buffer | null) => {
      reading = false;
      if (error) return finish(error, false);
      if (socket.destroyed) return finish(null, false);
      if (chunk === null) {
        res.end();
        return finish(null, true);
      }
      res.write(chunk, afterWrite);
    };
    const step = () => {
      reading = true;
      reader.next(buffer, afterRead);
    };
    onSocketClose(socket, gone, true);
    step();
  });
}

/**
 * Who to tell when a connection closes. A response queued behind another on a pipelined connection
 * hears of the client leaving from nothing else: Node then neither closes it nor calls its write
 * callbacks. One listener per socket, however many answers are queued on it.
 */
const closeWatchers = new WeakMap<Socket, Set<() => void>>();

function onSocketClose(socket: Socket, callback: () => void, add: boolean): void {
  let watchers = closeWatchers.get(socket);
  if (!add) {
    watchers?.delete(callback);
    return;
  }
  if (!watchers) {
    const set = new Set<() => void>();
    closeWatchers.set(socket, set);
    socket.once("close", () => {
      closeWatchers.delete(socket);
      for (const watcher of set) watcher();
    });
    watchers = set;
  }
  watchers.add(callback);
}

/** The `/media/` handler configured from the environment. */
export const serveMedia: NodeMediaHandler = createMediaHandler();

/** The entry for the Node server's fast paths (lib/server/main.ts). */
export const mediaFastPath = { prefix: MEDIA_PREFIX, handle: serveMedia };
