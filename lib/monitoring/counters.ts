import { BUCKET_COUNT, bucketOf, COUNTERS, mediaCounter, MAX_ROUTES, OTHER_ROUTE } from "./rules";

/**
 * What one web process counts in memory: request times per route (a histogram each) and named counters (response
 * cache, media answers). Recording is O(1) and allocates nothing: fixed typed arrays, indexed by a route's slot.
 * Totals only grow (since the process started): `/metrics` reads them as they are, the publisher
 * (./publisher.ts) sends what grew since its last publication.
 */
export class RequestCounters {
  /** Route label → slot; slot MAX_ROUTES - 1 is OTHER_ROUTE, for everything past the limit. */
  private readonly slots = new Map<string, number>();
  readonly labels: string[] = [];
  readonly counts = new Float64Array(MAX_ROUTES);
  readonly errors = new Float64Array(MAX_ROUTES);
  readonly totalMs = new Float64Array(MAX_ROUTES);
  /** MAX_ROUTES rows of BUCKET_COUNT buckets. */
  readonly buckets = new Float64Array(MAX_ROUTES * BUCKET_COUNT);
  readonly counters = new Float64Array(COUNTERS.length);
  /** Media answers being sent now. */
  mediaInFlight = 0;

  /** The slot of a route label, made on first use (callers on hot paths look it up once and keep it). */
  slot(label: string): number {
    const known = this.slots.get(label);
    if (known !== undefined) return known;
    if (this.labels.length >= MAX_ROUTES - 1) return this.otherSlot();
    const slot = this.labels.length;
    this.labels.push(label);
    this.slots.set(label, slot);
    return slot;
  }

  private otherSlot(): number {
    const known = this.slots.get(OTHER_ROUTE);
    if (known !== undefined) return known;
    const slot = this.labels.length;
    this.labels.push(OTHER_ROUTE);
    this.slots.set(OTHER_ROUTE, slot);
    return slot;
  }

  /** One finished request of the route in `slot`. */
  record(slot: number, status: number, ms: number): void {
    this.counts[slot]++;
    if (status >= 500) this.errors[slot]++;
    this.totalMs[slot] += ms;
    this.buckets[slot * BUCKET_COUNT + bucketOf(ms)]++;
  }

  countCache(hit: boolean): void {
    this.counters[hit ? 0 : 1]++;
  }

  countMedia(status: number): void {
    this.counters[mediaCounter(status)]++;
  }
}

/**
 * The process's one set of counters. Kept on globalThis because this module is loaded twice in a web process: once
 * by Reel's Node server (run by tsx) and once inside Next's server bundle (route handlers, instrumentation), and
 * both must count into, and read from, the same arrays.
 */
const KEY = Symbol.for("reel.monitoring.counters");
const holder = globalThis as unknown as Record<symbol, RequestCounters | undefined>;
export const processCounters: RequestCounters = (holder[KEY] ??= new RequestCounters());
