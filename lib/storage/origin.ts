import type { Env } from "@/lib/env";

/**
 * The origin browsers fetch media from when they live in a bucket (`REEL_STORAGE=s3`): the CDN's when
 * `REEL_MEDIA_BASE_URL` is set, else the bucket's own as presigned URLs name it. Null when Reel serves media
 * itself. Read from the settings alone (no S3 client), so the page proxy can put it in the CSP.
 */
export function mediaOrigin(
  settings: Pick<Env, "REEL_STORAGE" | "REEL_MEDIA_BASE_URL" | "REEL_S3_ENDPOINT" | "REEL_S3_REGION" | "REEL_S3_BUCKET" | "REEL_S3_FORCE_PATH_STYLE">,
): string | null {
  if (settings.REEL_STORAGE !== "s3") return null;
  if (settings.REEL_MEDIA_BASE_URL) return new URL(settings.REEL_MEDIA_BASE_URL).origin;
  const endpoint = new URL(settings.REEL_S3_ENDPOINT ?? `https://s3.${settings.REEL_S3_REGION}.amazonaws.com`);
  if (settings.REEL_S3_FORCE_PATH_STYLE) return endpoint.origin;
  return `${endpoint.protocol}//${settings.REEL_S3_BUCKET}.${endpoint.host}`;
}
