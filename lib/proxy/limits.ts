import { env } from "@/lib/env";

/**
 * Abuse limits of the link proxy, kept in this process's memory (the byte path never waits on the database):
 * streams open at once per user, and a request rate per user (a token bucket). Each web process counts its own;
 * behind a load balancer the limits apply per process.
 */

export type Limits = { maxStreams: number; perMinute: number };

export class ProxyLimiter {
  private readonly open = new Map<string, number>();
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly limits: Limits = { maxStreams: env.REEL_PROXY_MAX_STREAMS, perMinute: env.REEL_PROXY_REQUESTS_PER_MINUTE }) {}

  /** A request may start: null, or why not. `now` in milliseconds (injectable for tests). */
  admit(userId: string, now = Date.now()): "streams" | "rate" | null {
    const burst = Math.max(1, Math.floor(this.limits.perMinute / 4));
    const bucket = this.buckets.get(userId) ?? { tokens: burst, at: now };
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 60_000) * this.limits.perMinute);
    bucket.at = now;
    this.buckets.set(userId, bucket);
    if ((this.open.get(userId) ?? 0) >= this.limits.maxStreams) return "streams";
    if (bucket.tokens < 1) return "rate";
    bucket.tokens -= 1;
    this.open.set(userId, (this.open.get(userId) ?? 0) + 1);
    // Full buckets of idle users are forgotten, so the map stays as small as the set of active users.
    if (this.buckets.size > 10_000) for (const [id, b] of this.buckets) if (b.tokens >= burst && !this.open.has(id)) this.buckets.delete(id);
    return null;
  }

  /** Once per admitted request, when its response has ended (or the client left). */
  release(userId: string): void {
    const n = (this.open.get(userId) ?? 1) - 1;
    if (n <= 0) this.open.delete(userId);
    else this.open.set(userId, n);
  }

  streams(userId: string): number {
    return this.open.get(userId) ?? 0;
  }
}
