import fs from "node:fs";
import { Readable } from "node:stream";
import { promisify } from "node:util";
import zlib from "node:zlib";
import type { Decision, Encoding, Part } from "./decision";
import { releaseFile, type MediaFile } from "./resolve";

/**
 * Bodies both adapters send, all read from the resolved file's shared descriptor with positional
 * reads, each releasing the file once its last read has completed: a single buffer for short
 * ranges, a stream for long ones, compressed text (cached), multipart/byteranges. And the
 * X-Accel-Redirect answer for REEL_ACCEL=nginx.
 */

/**
 * Ranges up to this size (seeks, most range requests) are read with one call into one buffer and
 * sent with one write: about a third less CPU than a stream of 64 KiB chunks. Larger ones stream
 * in chunks of this size, with backpressure.
 */
export const SINGLE_READ_MAX = 1024 * 1024;
const STREAM_CHUNK = 512 * 1024;

/**
 * Reusable SINGLE_READ_MAX buffers for long single reads. Fresh large buffers cost page faults,
 * kernel zeroing and garbage collection on every request; a reused one costs none of that. A
 * buffer goes back only once the response that carried it has finished writing.
 */
const POOLED_MIN = 64 * 1024;
const POOL_LIMIT = 32;
const pool: Buffer[] = [];

/** A buffer from the pool for `length` bytes, or null when it is too short to be worth it. */
export function takePooled(length: number): Buffer | null {
  if (length < POOLED_MIN || length > SINGLE_READ_MAX) return null;
  return pool.pop() ?? Buffer.allocUnsafeSlow(SINGLE_READ_MAX);
}

export function givePooled(buffer: Buffer): void {
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

/** Bytes start..end (inclusive) as a stream; releases the file when done or destroyed. */
export class RangeStream extends Readable {
  private position: number;
  private reading = false;
  private pendingDestroy: (() => void) | null = null;

  constructor(
    private readonly file: MediaFile,
    start: number,
    private readonly end: number,
  ) {
    super({ highWaterMark: STREAM_CHUNK });
    this.position = start;
  }

  override _read(): void {
    const length = Math.min(STREAM_CHUNK, this.end + 1 - this.position);
    if (length <= 0) {
      this.push(null);
      return;
    }
    this.reading = true;
    readRange(this.file.fd, this.position, length).then(
      (chunk) => {
        this.reading = false;
        if (this.pendingDestroy) return this.pendingDestroy();
        this.position += length;
        this.push(chunk);
      },
      (error: Error) => {
        this.reading = false;
        if (this.pendingDestroy) return this.pendingDestroy();
        this.destroy(error);
      },
    );
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    // The descriptor is shared: release it only once no read is in flight on it.
    const done = () => {
      this.pendingDestroy = null;
      releaseFile(this.file);
      callback(error);
    };
    if (this.reading) this.pendingDestroy = done;
    else done();
  }
}

/** A multipart/byteranges body: each part's header, then its bytes, then the closing boundary. */
export function multipartStream(file: MediaFile, parts: Part[], tail: string): Readable {
  async function* chunks(): AsyncGenerator<Buffer> {
    for (const part of parts) {
      yield Buffer.from(part.head, "latin1");
      for (let at = part.start; at <= part.end; at += STREAM_CHUNK) {
        yield await readRange(file.fd, at, Math.min(STREAM_CHUNK, part.end + 1 - at));
      }
    }
    yield Buffer.from(tail, "latin1");
  }
  const stream = Readable.from(chunks(), { objectMode: false });
  // 'close' comes after the generator has finished, so after its last read.
  stream.once("close", () => releaseFile(file));
  return stream;
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
