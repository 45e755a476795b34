import { createHmac } from "node:crypto";
import { env } from "@/lib/env";

// INTERIM: same token format as lib/media/signing.ts (`<kid>.<expires>.<sig>`, HMAC-SHA256 over
// `<videoId>.<expires>.<kid>`); replaced by lib/media/urls.ts `mediaUrl` when the media branch lands.
export function mediaUrl(videoId: string, relPath: string, { ttlSeconds }: { ttlSeconds: number }): string {
  if (!env.REEL_MEDIA_KEYS) throw new Error("REEL_MEDIA_KEYS is not set: media URLs cannot be signed");
  const [first] = env.REEL_MEDIA_KEYS.split(",");
  const colon = first.indexOf(":");
  const kid = first.slice(0, colon);
  const expires = String(Math.floor(Date.now() / 1000 + ttlSeconds));
  const sig = createHmac("sha256", Buffer.from(first.slice(colon + 1), "utf8")).update(`${videoId}.${expires}.${kid}`).digest("base64url");
  return `/media/${kid}.${expires}.${sig}/${videoId}/${relPath}`;
}
