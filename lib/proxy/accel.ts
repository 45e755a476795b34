import "server-only";
import { createHash, timingSafeEqual } from "node:crypto";
import { LRUCache } from "lru-cache";
import { parseRange } from "@/lib/media/decision";
import { portOf, type ResolvedAddress } from "@/lib/net/safe-fetch";

/**
 * REEL_ACCEL=nginx for Play a link: Reel decides, nginx moves the bytes. Reel checks a request exactly as on its own
 * path (token, sealed ref and its owner, daily limit, rate, fetch policy on a fresh or ≤ 10 s old DNS answer), then
 * answers `X-Accel-Redirect` to nginx's internal location ACCEL_LOCATION (deploy/nginx/reel.conf) with the upstream URL
 * written with the address it just checked, so nginx never resolves a name itself (no rebinding between check and
 * connect); Host and TLS SNI carry the original name.
 *
 * nginx cannot follow redirects by hand, skip bytes of an upstream that ignores ranges, nor cap a body without a
 * length, so Reel hands a link to nginx only after its own path has fetched a range of it and seen a 206 with the
 * file's size (at most REEL_PROXY_MAX_BYTES) and a video type: the URL that answered, after redirects, is kept a minute
 * and used while it lasts. Anything else the upstream answers in nginx (a redirect, an error) is not passed on: nginx
 * sends the request back to Reel marked `X-Reel-Accel: fallback`, Reel forgets what it knew and serves it itself.
 *
 * The marks count only with REEL_ACCEL_SECRET: reel.conf sends `X-Reel-Accel: front <secret>` (or `fallback <secret>`),
 * overwriting whatever a client sent. Reel's port may be reachable without nginx (bound to 0.0.0.0, a second route
 * in), and there anyone could write the header: the X-Reel-Upstream headers of a hand-off would then show the viewer
 * the upstream's URL and address, which after redirects may be an internal name the link's owner never typed. A mark
 * without the secret, or with a wrong one, is no mark: the request is served by Reel's own path as if no nginx were
 * there (a forged `fallback` does not make Reel forget what it knew either), and nothing in the answer says why.
 *
 * Daily limit: the bytes counted are the length of the range asked for (of the whole file without a Range), when Reel
 * answers; nginx reports nothing back. A viewer who leaves mid-range is counted for the whole range, and a request that
 * falls back is counted twice (here, and by Reel's own path for what it then sends). The open-streams limit cannot see
 * when nginx finishes: a handed-over request holds its slot only while Reel answers; the request rate applies in full.
 */

/** nginx's internal location (deploy/nginx/reel.conf); only reachable through X-Accel-Redirect. */
export const ACCEL_LOCATION = "/_reel_proxy/";
/**
 * How nginx marks the requests it passes to Reel, followed by a space and REEL_ACCEL_SECRET: `front` (may be handed
 * back) or `fallback` (came back).
 */
export const ACCEL_HEADER = "x-reel-accel";
export type AccelMark = "front" | "fallback" | null;

/** The mark of an X-Reel-Accel value, or null when it does not carry `secret` (or there is none to carry). */
export function accelMark(value: string | null | undefined, secret: string | undefined): AccelMark {
  if (!value || !secret) return null;
  const space = value.indexOf(" ");
  const mark = value.slice(0, space);
  if (space < 0 || (mark !== "front" && mark !== "fallback")) return null;
  return sameSecret(value.slice(space + 1), secret) ? mark : null;
}

/**
 * Compared as SHA-256 digests, so both sides have the same length whatever was sent (timingSafeEqual needs that), and
 * the time taken tells nothing of how much of the secret a guess got right.
 */
function sameSecret(given: string, secret: string): boolean {
  return timingSafeEqual(digest(given), digest(secret));
}

const digest = (value: string) => createHash("sha256").update(value).digest();

/**
 * What Reel's own path learned about a link's upstream: the URL that answered, its type and size. Used for nginx's
 * hand-off here, and by Reel's own relay of the next ranges (lib/net/range-relay.ts, called from ./stream.ts).
 */
export type AccelTarget = { url: string; contentType: string; size: number };

/** A minute: an upstream that changes its answer meanwhile falls back to Reel's path, which learns again. */
const TARGET_TTL_MS = 60_000;
const targets = new LRUCache<string, AccelTarget>({ max: 10_000, ttl: TARGET_TTL_MS });

/** Keyed by the link's upstream URL (the ref's), not the person: the fetch policy is the same for everyone. */
export function learnTarget(refUrl: string, target: AccelTarget): void {
  targets.set(refUrl, target);
}

export function knownTarget(refUrl: string): AccelTarget | undefined {
  return targets.get(refUrl);
}

export function forgetTarget(refUrl: string): void {
  targets.delete(refUrl);
}

/** Bytes nginx will send for this request (its body only): what the daily limit counts. */
export function requestedBytes(method: string, range: string | null, size: number): number {
  if (method === "HEAD") return 0;
  if (!range) return size;
  const wanted = parseRange(range, size);
  if (wanted === "unsatisfiable") return 0;
  if (wanted === "ignore") return size;
  return wanted[1] - wanted[0] + 1;
}

/**
 * The answer that hands a request to nginx. The X-Reel-Upstream* headers are read by the internal location and never
 * reach the browser (nginx keeps only Content-Type and a few others from an answer that redirects it).
 */
export function accelAnswer(target: AccelTarget, address: ResolvedAddress, range: string | null, linkId: string): Record<string, string> {
  const url = new URL(target.url);
  const host = address.family === 6 ? `[${address.address}]` : address.address;
  return {
    "x-accel-redirect": `${ACCEL_LOCATION}${linkId}`,
    "x-reel-upstream": `${url.protocol}//${host}:${portOf(url)}${url.pathname}${url.search}`,
    "x-reel-upstream-host": url.host,
    "x-reel-upstream-name": url.hostname.replace(/^\[|\]$/g, ""),
    ...(range ? { "x-reel-upstream-range": range } : {}),
    "content-type": target.contentType,
    "cache-control": "private, max-age=3600",
    "x-content-type-options": "nosniff",
    "content-length": "0",
  };
}
