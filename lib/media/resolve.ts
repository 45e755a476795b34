import fs from "node:fs/promises";
import { env, paths } from "@/lib/env";
import { describeFile, type FileMeta } from "./decision";
import { isProblem, parseMediaPath, realRoots, resolveMediaFile, type RealRoots } from "./paths";
import { mediaKeyring, verifyToken, type Keyring } from "./signing";

/**
 * From the request path after `/media/` to a file both adapters can serve: verify the token
 * (HMAC, no database), check the path, resolve it inside the allowed roots, stat it. The result
 * is cached briefly per path — published media files are immutable — so a hit costs one HMAC and
 * one Map lookup, with no file-system call before the file is opened.
 */

export type MediaFile = {
  videoId: string;
  /** Decoded path inside the video folder. */
  rel: string;
  realPath: string;
  meta: FileMeta;
  expiresAt: number;
  cacheKey: string;
};

export const MEDIA_PREFIX = "/media/";

type Found = { ok: true; file: MediaFile };
export type Resolution = Found | { ok: false; status: number; reason: string };

export type ResolverOptions = {
  /** Defaults to `paths.media` and `env.REEL_MEDIA_DIRS`. */
  media?: string;
  mediaDirs?: readonly string[];
  /** Defaults to the keyring from `REEL_MEDIA_KEYS`, read on first use. */
  keyring?: Keyring;
  /** How long a stat stays trusted. */
  ttlMs?: number;
  maxEntries?: number;
};

export type MediaHandlerOptions = ResolverOptions & {
  /** REEL_ACCEL=nginx: answer with X-Accel-Redirect to this internal prefix instead of bytes. */
  accelPrefix?: string | null;
};

export function accelPrefixOf(options: MediaHandlerOptions): string | null {
  if (options.accelPrefix !== undefined) return options.accelPrefix;
  return env.REEL_ACCEL === "nginx" ? env.REEL_ACCEL_PREFIX : null;
}

export type MediaResolver = {
  /** Synchronous on a cache hit (the hot path); a Promise otherwise. */
  resolve(raw: string): Resolution | Promise<Resolution>;
  /** Drops a cached entry whose file turned out to be gone. */
  forget(file: MediaFile): void;
};

const FORBIDDEN: Resolution = { ok: false, status: 403, reason: "invalid or expired media token" };
const NOT_FOUND: Resolution = { ok: false, status: 404, reason: "not found" };

export function createMediaResolver(options: ResolverOptions = {}): MediaResolver {
  const media = options.media ?? paths.media;
  const mediaDirs = options.mediaDirs ?? env.REEL_MEDIA_DIRS;
  const ttlMs = options.ttlMs ?? 2000;
  const maxEntries = options.maxEntries ?? 10_000;
  let keyring = options.keyring;
  let roots: Promise<RealRoots> | undefined;
  // Keyed by the raw path after the token: a hit skips parsing and decoding too.
  const cache = new Map<string, Found>();

  const tokenOk = (token: string, videoId: string) =>
    verifyToken(token, videoId, Date.now() / 1000, (keyring ??= mediaKeyring())) === "ok";

  async function load(key: string, raw: string, token: string): Promise<Resolution> {
    const parsed = parseMediaPath(raw);
    if (isProblem(parsed)) return { ok: false, status: parsed.status, reason: parsed.reason };
    if (!tokenOk(token, parsed.videoId)) return FORBIDDEN;
    roots ??= realRoots(media, mediaDirs).catch((error) => {
      roots = undefined; // the media folder does not exist yet: try again next time
      throw error;
    });
    const realPath = await roots.then(
      (r) => resolveMediaFile(r, parsed.videoId, parsed.rel),
      () => null,
    );
    if (!realPath) return NOT_FOUND;
    const stat = await fs.stat(realPath).catch(() => null);
    if (!stat?.isFile()) return NOT_FOUND;
    const file: MediaFile = {
      videoId: parsed.videoId,
      rel: parsed.rel,
      realPath,
      meta: describeFile({ size: stat.size, mtimeMs: stat.mtimeMs, path: parsed.rel }),
      expiresAt: Date.now() + ttlMs,
      cacheKey: key,
    };
    const found: Found = { ok: true, file };
    if (cache.size >= maxEntries) cache.delete(cache.keys().next().value!);
    cache.set(key, found);
    return found;
  }

  return {
    resolve(raw) {
      const slash = raw.indexOf("/");
      if (slash <= 0) return NOT_FOUND;
      const token = raw.slice(0, slash);
      const key = raw.slice(slash + 1);
      const hit = cache.get(key);
      if (hit) {
        if (hit.file.expiresAt > Date.now()) return tokenOk(token, hit.file.videoId) ? hit : FORBIDDEN;
        cache.delete(key);
      }
      return load(key, raw, token);
    },
    forget(file) {
      if (cache.get(file.cacheKey)?.file === file) cache.delete(file.cacheKey);
    },
  };
}
