/**
 * The definitions the admin overview and `/metrics` share: how a request is named by route, the histogram its
 * time goes into, how percentiles are read back, and when the disk counts as nearly full. Pure: no I/O.
 */

/**
 * Upper bounds (ms) of the request-time histogram buckets; a last bucket takes everything slower. Roughly
 * logarithmic, so a percentile read back is within one step of the true value at every scale.
 */
export const BUCKET_BOUNDS_MS = [1, 2, 3, 5, 7.5, 10, 15, 25, 35, 50, 75, 100, 150, 250, 350, 500, 750, 1000, 1500, 2500, 5000, 10000, 30000] as const;
export const BUCKET_COUNT = BUCKET_BOUNDS_MS.length + 1;

/** The bucket a time falls into (bounds are inclusive: 5 ms counts as ≤ 5). */
export function bucketOf(ms: number): number {
  // A linear scan of 23 numbers beats a binary search at this size, and allocates nothing.
  for (let i = 0; i < BUCKET_BOUNDS_MS.length; i++) if (ms <= BUCKET_BOUNDS_MS[i]) return i;
  return BUCKET_BOUNDS_MS.length;
}

/**
 * The q-th percentile (0 < q ≤ 1) of a histogram, as the upper bound of the bucket that holds it: the smallest bound
 * with at least q of all requests at or below it ("95% of requests took ≤ 150 ms"). Infinity when it falls in the
 * last bucket; null without requests.
 */
export function percentile(buckets: ArrayLike<number>, q: number): number | null {
  let total = 0;
  for (let i = 0; i < buckets.length; i++) total += buckets[i];
  if (total === 0) return null;
  const rank = q * total;
  let seen = 0;
  for (let i = 0; i < buckets.length; i++) {
    seen += buckets[i];
    if (seen >= rank) return i < BUCKET_BOUNDS_MS.length ? BUCKET_BOUNDS_MS[i] : Number.POSITIVE_INFINITY;
  }
  return Number.POSITIVE_INFINITY;
}

/** Routes kept apart in memory and in the tables; later ones are counted together under OTHER_ROUTE. */
export const MAX_ROUTES = 200;
export const OTHER_ROUTE = "(other)";

const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Whole folders named by their first segments: content-addressed or per-file names that would each be a route. */
const FOLDERS = ["/_next/", "/_reel/", "/media/", "/api/uploads/", "/api/auth/"];

/**
 * The route a request is counted under, e.g. `GET /watch/[id]`: ids (UUIDs, numbers, long tokens) become `[id]`,
 * asset folders count as one, and the path is cut after four segments, so the number of routes stays small
 * whatever clients ask for.
 */
export function routeLabel(method: string | undefined, url: string | undefined): string {
  const verb = method && METHODS.has(method) ? method : "OTHER";
  const raw = url ?? "/";
  const query = raw.indexOf("?");
  const path = query === -1 ? raw : raw.slice(0, query);
  const folder = FOLDERS.find((prefix) => path.startsWith(prefix));
  if (folder) {
    const sub = folder === "/_next/" ? path.slice(folder.length).split("/")[0] : "";
    return `${verb} ${folder}${sub ? `${sub}/` : ""}*`;
  }
  const segments = path
    .split("/")
    .filter(Boolean)
    .slice(0, 4)
    .map((s) => (UUID.test(s) || /^\d+$/.test(s) || (s.length >= 16 && /\d/.test(s)) ? "[id]" : s.length > 40 ? "[long]" : s));
  return `${verb} /${segments.join("/")}`;
}

/** Named counters of the web processes (lib/monitoring/counters.ts); the order is their slot in memory. */
export const COUNTERS = [
  "response_cache.hit",
  "response_cache.miss",
  "media.200",
  "media.206",
  "media.304",
  "media.4xx",
  "media.5xx",
] as const;
export type CounterName = (typeof COUNTERS)[number];

/** The counter slot for a media answer's status. */
export function mediaCounter(status: number): number {
  // Indexes into COUNTERS, spelled out so the media path does no lookup.
  if (status === 206) return 3;
  if (status === 200) return 2;
  if (status === 304) return 4;
  return status >= 500 ? 6 : 5;
}

/** A share (0..1) or null when nothing was counted. */
export function ratio(part: number, whole: number): number | null {
  return whole > 0 ? part / whole : null;
}

export type DiskLevel = "ok" | "warning" | "full";

/**
 * How close the media disk is to the reserve uploads and imports keep free (REEL_DISK_RESERVE_BYTES): "full" once
 * free space is at or below the reserve (new uploads are refused), "warning" while less than the reserve again is
 * left above it, so an admin hears of it before uploads start failing.
 */
export function diskLevel(freeBytes: number, reserveBytes: number): DiskLevel {
  if (freeBytes <= reserveBytes) return "full";
  if (freeBytes < reserveBytes * 2) return "warning";
  return "ok";
}
