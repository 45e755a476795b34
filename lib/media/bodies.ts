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
 * written, and only once the socket has taken it is the next one read into the same buffer. So a
 * response holds one chunk however long its range and however slow its reader, and 1,000 viewers
 * cost 1,000 chunks (a single read per 1 MiB range used to hold 1 MiB each: ~970 MB RSS).
 */
export const CHUNK = 32 * 1024;

/**
 * Chunk buffers are reused: fresh ones cost page faults, zeroing and garbage collection on every
 * read, and freed ones leave the heap fragmented. A response takes one for all its chunks and gives
 * it back once the socket has taken its last bytes (one cut short keeps it: the socket may still
 * point at it); the free list is capped (32 MiB) so a larger burst does not stay resident.
 */
const POOL_LIMIT = 1024;
const pool: Buffer[] = [];

export function takeChunk(): Buffer {
  return pool.pop() ?? Buffer.allocUnsafeSlow(CHUNK);
}

export function giveChunk(buffer: Buffer): void {
  if (pool.length < POOL_LIMIT) pool.push(buffer);
}

/** The file shrank since it was stat'ed: never send uninitialised memory. */
function shortRead(): Error {
  return Object.assign(new Error("file is shorter than its stat"), { code: "ESHORT" });
}

function readRange(fd: number, start: number, length: number): Promise<Buffer> {
  const buffer = Buffer.allocUnsafe(length);
  return new Promise((resolve, reject) => {
    const step = (offset: number) =>
      fs.read(fd, buffer, offset, length - offset, start + offset, (err, n) => {
        if (err) return reject(err);
        if (n === 0) return reject(shortRead());
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
 * the same process waited too. Past this many, a read waits for a later turn (a setImmediate):
 * first the first reads of responses (a seek, a new viewer: their time to first byte), then the
 * others, each in arrival order.
 */
const READS_PER_TURN = 16;
let readsThisTurn = 0;
const firstReads: Array<() => void> = [];
const laterReads: Array<() => void> = [];
let turnScheduled = false;

/** Runs `go` now if this turn has room, else in a later turn. */
function inTurn(first: boolean, go: () => void): void {
  scheduleTurn();
  if (readsThisTurn < READS_PER_TURN && firstReads.length === 0 && (first || laterReads.length === 0)) {
    readsThisTurn++;
    go();
  } else {
    (first ? firstReads : laterReads).push(go);
  }
}

function scheduleTurn(): void {
  if (turnScheduled) return;
  turnScheduled = true;
  setImmediate(nextTurn);
}

function nextTurn(): void {
  turnScheduled = false;
  // Half a turn at most for first reads, so a flood of new requests cannot stall the ones under way.
  const batch = firstReads.splice(0, READS_PER_TURN / 2);
  batch.push(...laterReads.splice(0, READS_PER_TURN - batch.length));
  batch.push(...firstReads.splice(0, READS_PER_TURN - batch.length));
  readsThisTurn = batch.length;
  for (const go of batch) go();
  if (readsThisTurn > 0) scheduleTurn();
}

export type StreamedBody = Extract<Body, { kind: "range" } | { kind: "multipart" }>;

/**
 * The bytes of a range or multipart body, one chunk (≤ CHUNK) per `next`, read only when asked for:
 * nothing is read ahead. Callbacks bound once per body rather than promises and closures per chunk:
 * with a thousand streams, whatever a chunk allocates is garbage by the thousand, and the heap grows
 * with it. The file is released by `close`, which the consumer calls once, when no `next` is pending.
 */
export class BodyReader {
  private readonly pieces: Array<Buffer | { start: number; end: number }> = [];
  private index = 0;
  private at = -1;
  private first = true;
  private closed = false;
  // The read in progress.
  private buffer: Buffer | null = null;
  private start = 0;
  private filled = 0;
  private callback: ((error: Error | null, chunk: Buffer | null) => void) | null = null;

  constructor(
    private readonly file: MediaFile,
    body: StreamedBody,
  ) {
    if (body.kind === "range") {
      this.pieces.push(body);
    } else {
      for (const part of body.parts) this.pieces.push(Buffer.from(part.head, "latin1"), part);
      this.pieces.push(Buffer.from(body.tail, "latin1"));
    }
  }

  /**
   * The next chunk: read into `into` (a CHUNK-sized buffer the consumer owns; a fresh one if null),
   * or a multipart header; null once the body is complete.
   */
  next(into: Buffer | null, callback: (error: Error | null, chunk: Buffer | null) => void): void {
    const piece = this.pieces[this.index];
    if (!piece) return callback(null, null);
    if (Buffer.isBuffer(piece)) {
      this.index++;
      return callback(null, piece);
    }
    if (this.at < 0) this.at = piece.start;
    const length = Math.min(CHUNK, piece.end + 1 - this.at);
    this.start = this.at;
    if (this.at + length > piece.end) {
      this.index++;
      this.at = -1;
    } else {
      this.at += length;
    }
    this.buffer = !into ? Buffer.allocUnsafe(length) : length === into.length ? into : into.subarray(0, length);
    this.filled = 0;
    this.callback = callback;
    const first = this.first;
    this.first = false;
    inTurn(first, this.read);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    releaseFile(this.file);
  }

  private readonly read = (): void => {
    const buffer = this.buffer!;
    fs.read(this.file.fd, buffer, this.filled, buffer.length - this.filled, this.start + this.filled, this.onRead);
  };

  private readonly onRead = (error: Error | null, n: number): void => {
    const callback = this.callback!;
    if (error) return callback(error, null);
    if (n === 0) return callback(shortRead(), null);
    this.filled += n;
    if (this.filled < this.buffer!.length) return this.read();
    this.callback = null;
    callback(null, this.buffer);
  };
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
/** nginx keeps the Content-Disposition of the answer that redirects it, so a download keeps its name. */
export function accelHeaders(file: MediaFile, prefix: string, attachment?: string): Record<string, string> {
  const headers: Record<string, string> = {
    "x-accel-redirect": `${prefix}${file.videoId}/${file.rel.split("/").map(encodeURIComponent).join("/")}`,
    "content-type": file.meta.headers["content-type"],
    "cache-control": file.meta.headers["cache-control"],
    "x-content-type-options": "nosniff",
    "content-length": "0",
  };
  if (file.meta.headers.vary) headers.vary = file.meta.headers.vary;
  if (attachment) headers["content-disposition"] = attachment;
  return headers;
}

/** A download's answer: the decision's headers (shared by every request for the file) copied with its name. */
export function withAttachment(decision: Decision, attachment: string | undefined): Decision {
  return attachment ? { ...decision, headers: { ...decision.headers, "content-disposition": attachment } } : decision;
}
