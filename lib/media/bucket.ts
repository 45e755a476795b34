import path from "node:path";
import { LRUCache } from "lru-cache";
import type { S3MediaStorage } from "@/lib/storage";
import { kindOf, SHORT } from "@/lib/storage/mime";
import { isProblem, parseMediaPath } from "./paths";
import { attachmentHeader } from "./disposition";
import { downloadParam, opensOriginal, ORIGINAL_REFUSED } from "./resolve";
import { downloadSubject, mediaKeyring, tokenExpiresAt, verifyToken, type Keyring } from "./signing";

/**
 * `/media/<token>/<videoId>/<rel>` when media live in a bucket (REEL_STORAGE=s3). The token is
 * checked as on disk (HMAC, no database; the original only for a download token or a playback token
 * granted it); then no media byte passes through this server:
 * - playlists (`.m3u8`) and the storyboard index are read from the bucket and answered with every
 *   segment, init segment and sprite they name replaced by a presigned URL (through the CDN when
 *   one is set) that expires with the token; variant playlists stay relative, so they come here too;
 * - anything else (MP4, posters, captions, originals) is a redirect to its presigned URL; for a
 *   download URL (`?download=`, urls.ts) that URL carries `response-content-disposition`, so the
 *   store answers with the name.
 * A private video thus has no URL that works without a token, and none that outlives it.
 */

export type BucketAnswer = { status: number; headers: Record<string, string>; body: Buffer | null };
export type BucketMediaHandler = (raw: string, method: string) => Promise<BucketAnswer>;

/** Rewritten texts are kept briefly per file and expiry: every viewer of a token window gets the same bytes. */
const REWRITTEN_TTL_MS = 5000;

function answer(status: number, reason: string, extra: Record<string, string> = {}): BucketAnswer {
  return { status, headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store", ...extra }, body: Buffer.from(`${reason}\n`) };
}

const STORYBOARD_INDEX = /^storyboard\/[^/]+\.vtt$/;

export function createBucketMediaHandler(bucket: S3MediaStorage, options: { keyring?: Keyring } = {}): BucketMediaHandler {
  let keyring = options.keyring;
  const rewritten = new LRUCache<string, Promise<Buffer | null>>({ max: 512, ttl: REWRITTEN_TTL_MS });

  /** The file's text with each URI `rewrite` picks replaced by a presigned URL of the file it names. */
  async function signedText(videoId: string, rel: string, expiresAt: number): Promise<Buffer | null> {
    const bytes = await bucket.read(videoId, rel);
    if (!bytes) return null;
    const dir = path.posix.dirname(rel);
    const sign = (uri: string) => {
      const [file, fragment] = uri.split("#", 2);
      const target = path.posix.normalize(path.posix.join(dir, file));
      return bucket.presign(videoId, target, expiresAt).then((url) => (fragment === undefined ? url : `${url}#${fragment}`));
    };
    const isStoryboard = STORYBOARD_INDEX.test(rel);
    const lines = bytes.toString("utf8").split("\n");
    const out = await Promise.all(
      lines.map(async (line) => {
        const text = line.trimEnd();
        if (isStoryboard) return /^[^\s#][^\s]*\.(webp|jpg|png)(#\S*)?$/.test(text) ? sign(text) : line;
        if (text.startsWith("#")) {
          const uri = /URI="([^"]+)"/.exec(text)?.[1];
          return uri && !uri.endsWith(".m3u8") && !/^[a-z]+:/i.test(uri) ? line.replace(`URI="${uri}"`, `URI="${await sign(uri)}"`) : line;
        }
        return text && !text.endsWith(".m3u8") && !/^[a-z]+:/i.test(text) ? sign(text) : line;
      }),
    );
    return Buffer.from(out.join("\n"));
  }

  return async function serveFromBucket(rawWithQuery, method) {
    const query = rawWithQuery.indexOf("?");
    const raw = query < 0 ? rawWithQuery : rawWithQuery.slice(0, query);
    const name = query < 0 ? null : downloadParam(rawWithQuery.slice(query + 1));
    const parsed = parseMediaPath(raw);
    if (isProblem(parsed)) return answer(parsed.status, parsed.reason);
    const subject = name === null ? parsed.videoId : downloadSubject(raw.slice(raw.indexOf("/") + 1), name);
    if (verifyToken(parsed.token, subject, Date.now() / 1000, (keyring ??= mediaKeyring())) !== "ok") {
      return answer(403, "invalid or expired media token");
    }
    if (parsed.rel.startsWith("source/") && !opensOriginal(parsed.token, name)) return answer(403, ORIGINAL_REFUSED);
    if (method !== "GET" && method !== "HEAD") return answer(405, "method not allowed", { allow: "GET, HEAD" });
    const expiresAt = tokenExpiresAt(parsed.token);
    const { videoId, rel } = parsed;

    if (name === null && (rel.endsWith(".m3u8") || STORYBOARD_INDEX.test(rel))) {
      const key = `${videoId}/${rel}@${expiresAt}`;
      let text = rewritten.get(key);
      if (!text) {
        text = signedText(videoId, rel, expiresAt);
        rewritten.set(key, text);
        text.catch(() => rewritten.delete(key));
      }
      const body = await text;
      if (!body) return answer(404, "not found");
      const headers = { "content-type": kindOf(rel).type, "cache-control": SHORT.replace("public", "private"), "content-length": String(body.length) };
      return { status: 200, headers, body: method === "HEAD" ? null : body };
    }
    // The same URL all hour (see S3MediaStorage.presign): the browser may keep the redirect as long as the token lives.
    const location = await bucket.presign(videoId, rel, expiresAt, undefined, name === null ? undefined : attachmentHeader(decodeURIComponent(name)));
    const maxAge = Math.max(0, Math.min(3600, expiresAt - Math.ceil(Date.now() / 1000)));
    return { status: 302, headers: { location, "cache-control": `private, max-age=${maxAge}`, "content-length": "0" }, body: null };
  };
}
