import { processCounters as counters } from "@/lib/monitoring/counters";
import { accelHeaders, BodyReader, unstreamedBody, withAttachment } from "./bodies";
import { decide, type MediaRequestHeaders } from "./decision";
import { createBucketMediaHandler } from "./bucket";
import { accelPrefixOf, bucketOf, createMediaResolver, MEDIA_PREFIX, releaseFile, type MediaHandlerOptions } from "./resolve";

/**
 * The same byte path as a web-standard handler (Request → Response), for deployments where only
 * Next runs: app/media/[...path]/route.ts exports it. Same resolver, same decision, same bodies
 * as the Node adapter, with one difference: it never compresses, because Next 16 removes
 * Content-Encoding from route-handler responses while passing the compressed bytes on (measured
 * with `next start`); playlists go out as identity, for a CDN in front to compress. Next also drops
 * Content-Length (a 206 goes out chunked, HEAD without a length) and costs far more per request:
 * prefer the Node server.
 */

export type WebMediaHandler = (request: Request) => Promise<Response>;

// Not Accept-Encoding: see above.
const READ_HEADERS = ["range", "if-match", "if-none-match", "if-modified-since", "if-unmodified-since", "if-range"] as const;

export function createWebMediaHandler(options: MediaHandlerOptions = {}): WebMediaHandler {
  const bucket = bucketOf(options);
  const fromBucket = bucket && createBucketMediaHandler(bucket, options);
  const resolver = createMediaResolver(options);
  const accelPrefix = accelPrefixOf(options);

  return async function serveMediaRequest(request) {
    // The path as received, after the host: no URL parsing needed.
    const url = request.url;
    const start = url.indexOf(MEDIA_PREFIX, url.indexOf("//") + 2);
    if (start < 0) return errorResponse(404, "not found");
    // The query, when there is one, is part of what the resolver reads: `?download=<name>`.
    const raw = url.slice(start + MEDIA_PREFIX.length);
    let found = resolver.resolve(raw);
    if (found instanceof Promise) found = await found;
    // With a bucket, the disk is looked at first: files not yet moved by storage:migrate are served from there.
    if (!found.ok && found.status === 404 && fromBucket) {
      const answer = await fromBucket(raw, request.method).catch(() => null);
      if (!answer) return errorResponse(502, "the media store did not answer");
      return new Response(answer.body ? asBody(answer.body) : null, { status: answer.status, headers: answer.headers });
    }
    if (!found.ok) {
      counters.countMedia(found.status);
      return errorResponse(found.status, found.reason);
    }
    const { file, attachment } = found;

    if (accelPrefix) {
      releaseFile(file);
      if (request.method !== "GET" && request.method !== "HEAD") {
        counters.countMedia(405);
        return errorResponse(405, "method not allowed", { allow: "GET, HEAD" });
      }
      counters.countMedia(200);
      return new Response(null, { status: 200, headers: accelHeaders(file, accelPrefix, attachment) });
    }

    const headers: MediaRequestHeaders = {};
    for (const name of READ_HEADERS) headers[name] = request.headers.get(name);
    const decision = withAttachment(decide(request.method, headers, file.meta), attachment);
    counters.countMedia(decision.status);
    const body = decision.body;
    const init = { status: decision.status, headers: decision.headers };

    if (decision.head || body.kind === "empty" || body.kind === "encoded") {
      const bytes = await unstreamedBody(decision, file);
      return new Response(bytes ? asBody(bytes) : null, init);
    }
    // Pulled one chunk at a time: Next holds no more than it is sending. Fresh buffers, since
    // nothing tells this side when Next has written a chunk out.
    const reader = new BodyReader(file, body);
    let reading = false;
    let cancelled = false;
    const stream = new ReadableStream<Uint8Array>(
      {
        pull: (controller) =>
          new Promise<void>((resolve, reject) => {
            reading = true;
            reader.next(null, (error, chunk) => {
              reading = false;
              if (error || chunk === null || cancelled) reader.close();
              if (cancelled) return resolve();
              if (error) return reject(error);
              if (chunk === null) controller.close();
              else controller.enqueue(chunk);
              resolve();
            });
          }),
        // The file is released once no read is in flight on its shared descriptor.
        cancel: () => {
          cancelled = true;
          if (!reading) reader.close();
        },
      },
      { highWaterMark: 0 },
    );
    return new Response(stream, init);
  };
}

function asBody(bytes: Buffer): Uint8Array<ArrayBuffer> {
  return new Uint8Array(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.length);
}

function errorResponse(status: number, reason: string, extra?: Record<string, string>): Response {
  return new Response(`${reason}\n`, {
    status,
    headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store", ...extra },
  });
}
