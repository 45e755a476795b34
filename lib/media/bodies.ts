import fs from "node:fs";
import { promisify } from "node:util";
import zlib from "node:zlib";
import type { Encoding, Part } from "./decision";
import type { MediaFile } from "./resolve";

/**
 * The bodies both adapters send besides plain file ranges: compressed text (cached) and
 * multipart/byteranges; and the X-Accel-Redirect answer for REEL_ACCEL=nginx.
 */

const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

/** Compressed playlists/VTT/JSON kept in memory; they are small and requested over and over. */
const ENCODED_BUDGET = 32 * 1024 * 1024;
const encoded = new Map<string, { body: Promise<Buffer>; size: number }>();
let encodedBytes = 0;

export function encodedBody(file: MediaFile, encoding: Encoding): Promise<Buffer> {
  const key = `${file.realPath}\n${file.meta.etag}\n${encoding}`;
  const known = encoded.get(key);
  if (known) return known.body;
  const body = fs.promises.readFile(file.realPath).then((raw) =>
    encoding === "br"
      ? brotli(raw, {
          params: {
            [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT,
            [zlib.constants.BROTLI_PARAM_QUALITY]: 6,
            [zlib.constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
          },
        })
      : gzip(raw, { level: 6 }),
  );
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

/** A multipart/byteranges body: each part's header, then its bytes, then the closing boundary. */
export async function* multipartChunks(fd: number, parts: Part[], tail: string): AsyncGenerator<Buffer> {
  try {
    for (const part of parts) {
      yield Buffer.from(part.head, "latin1");
      yield* fs.createReadStream("", { fd, autoClose: false, start: part.start, end: part.end });
    }
    yield Buffer.from(tail, "latin1");
  } finally {
    fs.close(fd, () => {});
  }
}

/** Opens before any header goes out, so a file deleted since its stat still gets a clean 404. */
export function openFile(path: string): Promise<number> {
  return new Promise((resolve, reject) => fs.open(path, "r", (err, fd) => (err ? reject(err) : resolve(fd))));
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
