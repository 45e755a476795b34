import fs from "node:fs";
import { env, paths } from "@/lib/env";
import { bucketStorage, type S3MediaStorage } from "@/lib/storage";
import { describeFile, type FileMeta } from "./decision";
import { isOriginal, isProblem, parseMediaPath, realRoots, resolveMediaFile, type RealRoots } from "./paths";
import { attachmentHeader } from "./disposition";
import { downloadSubject, grantsOriginal, mediaKeyring, verifyToken, type Keyring } from "./signing";

/**
 * From the request path after `/media/` to a file both adapters can serve: verify the token
 * (HMAC, no database), check the path, resolve it inside the allowed roots, refuse the original to
 * a playback token that was not granted it (signing.ts), open the file and fstat the
 * open descriptor (so the size and validators always describe the bytes read). The result is
 * cached briefly per path — published media files are immutable — so a hit costs one HMAC and one
 * Map lookup, and the bytes are read from the already open descriptor: no open/stat/close per
 * request.
 *
 * Descriptor lifetime is reference-counted: the cache holds one reference while the entry is
 * fresh, every resolved request holds one until its last read has completed (`releaseFile`), and
 * the descriptor is closed when the count reaches zero. A sweep drops expired entries, and the
 * cache size bounds how many descriptors stay open.
 */

export type MediaFile = {
  videoId: string;
  /** Decoded path inside the video folder. */
  rel: string;
  realPath: string;
  /** The video's original (paths.ts, isOriginal): only a download token or a playback token granted it opens it. */
  original: boolean;
  meta: FileMeta;
  /** Shared by concurrent requests; only valid between resolve() and releaseFile(). */
  fd: number;
  refs: number;
  expiresAt: number;
  cacheKey: string;
};

/** Every successful resolve() must be paired with one releaseFile() once no read is pending. */
export function releaseFile(file: MediaFile): void {
  if (--file.refs === 0) fs.close(file.fd, () => {});
}

export const MEDIA_PREFIX = "/media/";

/** `attachment`: the Content-Disposition of a download URL (urls.ts, downloadUrl). */
type Found = { ok: true; file: MediaFile; attachment?: string };
export type Resolution = Found | { ok: false; status: number; reason: string };

export type ResolverOptions = {
  /** Defaults to `paths.media` and `env.REEL_MEDIA_DIRS`. */
  media?: string;
  mediaDirs?: readonly string[];
  /** Defaults to the keyring from `REEL_MEDIA_KEYS`, read on first use. */
  keyring?: Keyring;
  /** How long an entry (its stat and open descriptor) stays trusted. */
  ttlMs?: number;
  /** Bounds the descriptors kept open by the cache. */
  maxEntries?: number;
};

export type MediaHandlerOptions = ResolverOptions & {
  /** REEL_ACCEL=nginx: answer with X-Accel-Redirect to this internal prefix instead of bytes. */
  accelPrefix?: string | null;
  /**
   * A response whose client has taken none of its last chunk for this long is cut off (nginx's send_timeout, also
   * 60 s): otherwise a client that stops reading holds its socket, its chunk and the file's descriptor for ever.
   * A player that paused reading comes back with a Range request, as it would after nginx closed it.
   */
  sendTimeoutMs?: number;
  /**
   * Media in a bucket (lib/media/bucket.ts), asked for what the disk does not hold (videos storage:migrate has
   * moved, or made there); defaults to the configured storage.
   */
  bucket?: S3MediaStorage | null;
};

export function bucketOf(options: MediaHandlerOptions): S3MediaStorage | null {
  return options.bucket !== undefined ? options.bucket : bucketStorage();
}

export function accelPrefixOf(options: MediaHandlerOptions): string | null {
  if (options.accelPrefix !== undefined) return options.accelPrefix;
  return env.REEL_ACCEL === "nginx" ? env.REEL_ACCEL_PREFIX : null;
}

export type MediaResolver = {
  /**
   * `raw` is the request path after `/media/`, with its query if any: `?download=<name>` asks for a
   * download, which only a download token for that path and name grants.
   *
   * Synchronous on a cache hit (the hot path); a Promise otherwise. A found file is acquired for
   * the caller, who must releaseFile() it.
   */
  resolve(raw: string): Resolution | Promise<Resolution>;
};

const FORBIDDEN: Resolution = { ok: false, status: 403, reason: "invalid or expired media token" };
const NOT_FOUND: Resolution = { ok: false, status: 404, reason: "not found" };
/** Why a playback token without the grant gets a 403 for the original (bucket.ts says it too). */
export const ORIGINAL_REFUSED = "this token does not open the original";
const NOT_GRANTED: Resolution = { ok: false, status: 403, reason: ORIGINAL_REFUSED };

/**
 * A playback token (`download` null) opens the original only when it carries the grant; a download token signs the
 * one path it opens, so its signature has already said yes.
 */
export function opensOriginal(token: string, download: string | null): boolean {
  return download !== null || grantsOriginal(token);
}

export function createMediaResolver(options: ResolverOptions = {}): MediaResolver {
  const media = options.media ?? paths.media;
  const mediaDirs = options.mediaDirs ?? env.REEL_MEDIA_DIRS;
  const ttlMs = options.ttlMs ?? 2000;
  const maxEntries = options.maxEntries ?? 256;
  let keyring = options.keyring;
  let roots: Promise<RealRoots> | undefined;
  // Keyed by the raw path after the token: a hit skips parsing and decoding too.
  const cache = new Map<string, Found>();
  let sweeper: NodeJS.Timeout | undefined;

  const tokenOk = (token: string, subject: string) => verifyToken(token, subject, Date.now() / 1000, (keyring ??= mediaKeyring())) === "ok";

  function drop(key: string, found: Found): void {
    cache.delete(key);
    releaseFile(found.file);
  }

  function sweep(): void {
    const now = Date.now();
    for (const [key, found] of cache) if (found.file.expiresAt <= now) drop(key, found);
    if (cache.size === 0) {
      clearInterval(sweeper);
      sweeper = undefined;
    }
  }

  async function load(key: string, raw: string, token: string, subject: string | null): Promise<Resolution> {
    const parsed = parseMediaPath(raw);
    if (isProblem(parsed)) return { ok: false, status: parsed.status, reason: parsed.reason };
    if (!tokenOk(token, subject ?? parsed.videoId)) return FORBIDDEN;
    const granted = opensOriginal(token, subject);
    // Refused before the file system is asked; the real path is checked below, for links into source/.
    if (!granted && parsed.rel.startsWith("source/")) return NOT_GRANTED;
    roots ??= realRoots(media, mediaDirs).catch((error) => {
      roots = undefined; // the media folder does not exist yet: try again next time
      throw error;
    });
    const resolved = await roots.then(
      async (r) => {
        const real = await resolveMediaFile(r, parsed.videoId, parsed.rel);
        return real && { real, original: isOriginal(r, parsed.videoId, parsed.rel, real) };
      },
      () => null,
    );
    if (!resolved) return NOT_FOUND;
    if (resolved.original && !granted) return NOT_GRANTED;
    const realPath = resolved.real;
    const opened = await openRegularFile(realPath);
    if (!opened) return NOT_FOUND;
    const file: MediaFile = {
      videoId: parsed.videoId,
      rel: parsed.rel,
      realPath,
      original: resolved.original,
      meta: describeFile({ size: opened.stat.size, mtimeMs: opened.stat.mtimeMs, path: parsed.rel }),
      fd: opened.fd,
      refs: 2, // the cache's and the caller's
      expiresAt: Date.now() + ttlMs,
      cacheKey: key,
    };
    const found: Found = { ok: true, file };
    const previous = cache.get(key);
    if (previous) drop(key, previous); // two concurrent misses for one path
    if (cache.size >= maxEntries) {
      const [oldestKey, oldest] = cache.entries().next().value!;
      drop(oldestKey, oldest);
    }
    cache.set(key, found);
    sweeper ??= setInterval(sweep, ttlMs).unref();
    return found;
  }

  return {
    resolve(raw) {
      const query = raw.indexOf("?");
      const name = query < 0 ? null : downloadParam(raw.slice(query + 1));
      const rawPath = query < 0 ? raw : raw.slice(0, query);
      const slash = rawPath.indexOf("/");
      if (slash <= 0) return NOT_FOUND;
      const token = rawPath.slice(0, slash);
      const key = rawPath.slice(slash + 1);
      const subject = name === null ? null : downloadSubject(key, name);
      const hit = cache.get(key);
      if (hit) {
        if (hit.file.expiresAt > Date.now()) {
          if (!tokenOk(token, subject ?? hit.file.videoId)) return FORBIDDEN;
          if (hit.file.original && !opensOriginal(token, subject)) return NOT_GRANTED;
          hit.file.refs++;
          return name === null ? hit : asDownload(hit, name);
        }
        drop(key, hit);
      }
      const loaded = load(key, rawPath, token, subject);
      return name === null ? loaded : loaded.then((r) => (r.ok ? asDownload(r, name) : r));
    },
  };
}

/** The `download` query parameter as sent (still encoded), or null without one. */
export function downloadParam(query: string): string | null {
  for (const pair of query.split("&")) if (pair.startsWith("download=")) return pair.slice("download=".length);
  return null;
}

/** Only for a name the token has signed: it was encoded by downloadUrl, so it decodes. */
function asDownload(found: Found, name: string): Found {
  return { ok: true, file: found.file, attachment: attachmentHeader(decodeURIComponent(name)) };
}

// NOFOLLOW: the real path has no symlinks left to follow; NONBLOCK: a FIFO must not hang a pool thread.
const OPEN_FLAGS = fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK;

function openRegularFile(realPath: string): Promise<{ fd: number; stat: fs.Stats } | null> {
  return new Promise((resolve) =>
    fs.open(realPath, OPEN_FLAGS, (err, fd) => {
      if (err) return resolve(null);
      fs.fstat(fd, (statErr, stat) => {
        if (!statErr && stat.isFile()) return resolve({ fd, stat });
        fs.close(fd, () => {});
        resolve(null);
      });
    }),
  );
}
