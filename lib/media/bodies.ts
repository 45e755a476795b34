import fs from "node:fs";
import { promisify } from "node:util";
import zlib from "node:zlib";
import type { Body, Decision, Encoding } from "./decision";
import { releaseFile, type MediaFile } from "./resolve";

/**
 * Bodies both adapters send, all read from the resolved file's shared descriptor with positional
 * reads, each releasing the file once its last read has completed: ranges and multipart/byteranges
 * in bounded chunks, compressed text (cached). And the X-Accel-Redirect answer for REEL_ACCEL=nginx.
 */

/**
 * Streamed bodies go out in chunks of at most this size, whatever the range: one chunk is read,
 * written, and only once the socket has taken it is the next one read. So a response holds at
 * most one chunk in memory however long its range and however slow its reader, and 1,000 viewers
 * cost at most 1,000 chunks (a single read per 1 MiB range used to hold 1 MiB each: ~970 MB RSS).
 */
export const CHUNK = 32 * 1024;

/**
 * Chunk buffers are reused: fresh ones cost page faults, zeroing and garbage collection on every
 * read, and freed ones leave the heap fragmented. A buffer goes back only once the socket has
 * taken its bytes; the free list is capped so a burst does not stay resident.
 */
const POOL_LIMIT = 1024;
const pool: Buffer[] = [];

function takeChunk(): Buffer {
  return pool.pop() ?? Buffer.allocUnsafeSlow(CHUNK);
}

function giveChunk(buffer: Buffer): void {
  if (pool.length < POOL_LIMIT) pool.push(buffer);
}

export function readRange(fd: number, start: number, length: number, into?: Buffer): Promise<Buffer> {
  const buffer = into ? into.subarray(0, length) : Buffer.allocUnsafe(length);
  return new Promise((resolve, reject) => {
    const step = (offset: number) =>
      fs.read(fd, buffer, offset, length - offset, start + offset, (err, n) => {
        if (err) return reject(err);
        // The file shrank since it was stat'ed: never send uninitialised memory.
        if (n === 0) return reject(Object.assign(new Error("file is shorter than its stat"), { code: "ESHORT" }));
        if (offset + n < length) step(offset + n);
        else resolve(buffer);
      });
    step(0);
  });
}

/**
 * Chunk reads started per event-loop turn. A read's completion is followed at once by its write, so
 * this bounds the copying done in one turn. Without it, with a thousand streams every turn wrote a
 * chunk to each connection that was ready (tens of milliseconds), while libuv accepts only one new
 * connection per turn: a crowd arriving at once waited seconds to be accepted, and pages served by
 * the same process waited too. Past this many, a read waits for a later turn (a setImmediate),
 * holding no buffer meanwhile: first the first reads of responses (a seek, a new viewer: their time
 * to first byte), then the others, each in arrival order.
 */
const READS_PER_TURN = 16;
let readsThisTurn = 0;
const firstReads: Array<() => void> = [];
const laterReads: Array<() => void> = [];
let turnScheduled = false;

/** null: read now; otherwise a promise that resolves when this read's turn has come. */
function readTurn(first: boolean): Promise<void> | null {
  scheduleTurn();
  if (readsThisTurn < READS_PER_TURN && firstReads.length === 0 && (first || laterReads.length === 0)) {
    readsThisTurn++;
    return null;
  }
  return new Promise((resolve) => (first ? firstReads : laterReads).push(resolve));
}

function scheduleTurn(): void {
  if (turnScheduled) return;
  turnScheduled = true;
  setImmediate(nextTurn);
}

function nextTurn(): void {
  turnScheduled = false;
  const batch = firstReads.splice(0, READS_PER_TURN);
  batch.push(...laterReads.splice(0, READS_PER_TURN - batch.length));
  readsThisTurn = batch.length;
  for (const go of batch) go();
  if (readsThisTurn > 0) scheduleTurn();
}

export type StreamedBody = Extract<Body, { kind: "range" } | { kind: "multipart" }>;

/**
 * The bytes of a range or multipart body, one chunk (≤ CHUNK) per step, read only when the consumer
 * asks for it: nothing is read ahead. With `reuse`, chunks are pool buffers and each goes back to the
 * pool when the next one is asked for, so the consumer must be done with a chunk (its bytes taken
 * by the socket) before it asks again; a consumer that stops early keeps its last chunk. The file is
 * released when the generator finishes or is returned, after its last read.
 */
export async function* bodyChunks(file: MediaFile, body: StreamedBody, reuse: boolean): AsyncGenerator<Buffer, void, undefined> {
  const parts: Array<{ head: string | null; start: number; end: number }> = body.kind === "range" ? [{ head: null, ...body }] : body.parts;
  let first = true;
  try {
    for (const part of parts) {
      if (part.head !== null) yield Buffer.from(part.head, "latin1");
      for (let at = part.start; at <= part.end; at += CHUNK) {
        const length = Math.min(CHUNK, part.end + 1 - at);
        const wait = readTurn(first);
        first = false;
        if (wait) await wait;
        const buffer = reuse ? takeChunk() : undefined;
        const chunk = await readRange(file.fd, at, length, buffer);
        yield chunk;
        if (buffer) giveChunk(buffer);
      }
    }
    if (body.kind === "multipart") yield Buffer.from(body.tail, "latin1");
  } finally {
    releaseFile(file);
  }
}

const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

/**
 * Text compressed off the main thread (zlib's thread pool). "thorough" is for bodies compressed once and kept for
 * the life of the process (the app's scripts and styles): a few percent smaller on every page load. Not brotli's
 * top quality: that takes ten times as long (half a second for hls.js) for another 5 to 7 %.
 */
export function compressText(raw: Buffer, encoding: Encoding, effort: "quick" | "thorough" = "quick"): Promise<Buffer> {
  if (encoding === "gzip") return gzip(raw, { level: effort === "thorough" ? 9 : 6 });
  return brotli(raw, {
    params: {
      [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT,
      [zlib.constants.BROTLI_PARAM_QUALITY]: effort === "thorough" ? 9 : 6,
      [zlib.constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
    },
  });
}

/** Compressed playlists/VTT/JSON kept in memory; they are small and requested over and over. */
const ENCODED_BUDGET = 32 * 1024 * 1024;
const encoded = new Map<string, { body: Promise<Buffer>; size: number }>();
let encodedBytes = 0;

/**
 * The whole body of an answer that is not streamed (HEAD, empty bodies, compressed playlists), with its
 * Content-Length set; undefined when there is nothing to send. The file is released either way.
 */
export async function unstreamedBody(decision: Decision, file: MediaFile): Promise<Buffer | undefined> {
  try {
    if (decision.body.kind !== "encoded") return undefined;
    // HEAD is encoded too: its Content-Length must be the compressed length a GET would send.
    const bytes = await encodedBody(file, decision.body.encoding);
    decision.headers["content-length"] = String(bytes.length);
    return decision.head ? undefined : bytes;
  } finally {
    releaseFile(file);
  }
}

/** The whole file compressed. Does not release the file: the caller does, after awaiting. */
export function encodedBody(file: MediaFile, encoding: Encoding): Promise<Buffer> {
  const key = `${file.realPath}\n${file.meta.etag}\n${encoding}`;
  const known = encoded.get(key);
  if (known) return known.body;
  const body = readRange(file.fd, 0, file.meta.size).then((raw) => compressText(raw, encoding));
  const entry = { body, size: 0 };
  encoded.set(key, entry);
  body.then(
    (buf) => {
      entry.size = buf.length;
      encodedBytes += buf.length;
      // Oldest first; entries still being compressed count as 0 and stay.
      for (const [k, e] of encoded) {
        if (encodedBytes <= ENCODED_BUDGET) break;
        if (k === key || e.size === 0) continue;
        encodedBytes -= e.size;
        encoded.delete(k);
      }
    },
    () => encoded.delete(key),
  );
  return body;
}

/**
 * REEL_ACCEL=nginx: the token and path are verified here, nginx sends the bytes (sendfile) and
 * handles Range and conditional requests itself. nginx keeps Content-Type and Cache-Control from
 * this answer; the path is percent-encoded because nginx decodes X-Accel-Redirect.
 */
export function accelHeaders(file: MediaFile, prefix: string): Record<string, string> {
  const headers: Record<string, string> = {
    "x-accel-redirect": `${prefix}${file.videoId}/${file.rel.split("/").map(encodeURIComponent).join("/")}`,
    "content-type": file.meta.headers["content-type"],
    "cache-control": file.meta.headers["cache-control"],
    "x-content-type-options": "nosniff",
    "content-length": "0",
  };
  if (file.meta.headers.vary) headers.vary = file.meta.headers.vary;
  return headers;
}
