import "server-only";
import { randomBytes } from "node:crypto";
import os from "node:os";
import { monitorEventLoopDelay } from "node:perf_hooks";
import type { Db } from "@/lib/db/client";
import { childLogger } from "@/lib/log";
import { processCounters, type RequestCounters } from "./counters";
import { prune, publish, type Publication } from "./queries";
import { BUCKET_COUNT, COUNTERS } from "./rules";

const log = childLogger("monitoring");

export const PUBLISH_INTERVAL_MS = 5_000;
const PRUNE_EVERY = 120;

type Totals = { counts: Float64Array; errors: Float64Array; totalMs: Float64Array; buckets: Float64Array; counters: Float64Array };

function totalsOf(c: RequestCounters): Totals {
  return { counts: c.counts.slice(), errors: c.errors.slice(), totalMs: c.totalMs.slice(), buckets: c.buckets.slice(), counters: c.counters.slice() };
}

function zeroTotals(c: RequestCounters): Totals {
  const zero = (a: Float64Array) => new Float64Array(a.length);
  return { counts: zero(c.counts), errors: zero(c.errors), totalMs: zero(c.totalMs), buckets: zero(c.buckets), counters: zero(c.counters) };
}

/**
 * Publishes what a web process counted (./counters.ts) to Postgres: each call adds what grew since the last
 * publication that went through, plus the process's memory, CPU and event-loop delay since the previous call.
 * A failed publication (database away) loses nothing: its figures go with the next one.
 */
export function createPublisher(options: { counters?: RequestCounters; id?: string; db?: Db } = {}) {
  const counters = options.counters ?? processCounters;
  const id = options.id ?? `${os.hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`;
  let published = zeroTotals(counters);
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  let cpuBefore = process.cpuUsage();
  let wallBefore = performance.now();
  let running: Promise<void> | null = null;

  function publication(now: Totals): Publication {
    const routes: Publication["routes"] = [];
    for (let slot = 0; slot < counters.labels.length; slot++) {
      const count = now.counts[slot] - published.counts[slot];
      if (count === 0) continue;
      const buckets: number[] = [];
      for (let b = 0; b < BUCKET_COUNT; b++) buckets.push(now.buckets[slot * BUCKET_COUNT + b] - published.buckets[slot * BUCKET_COUNT + b]);
      routes.push({ route: counters.labels[slot], count, errors: now.errors[slot] - published.errors[slot], totalMs: now.totalMs[slot] - published.totalMs[slot], buckets });
    }
    const named = COUNTERS.map((name, i) => ({ name, value: now.counters[i] - published.counters[i] })).filter((c) => c.value > 0);
    const cpu = process.cpuUsage(cpuBefore);
    const wall = performance.now() - wallBefore;
    const memory = process.memoryUsage();
    return {
      routes,
      counters: named,
      process: {
        id,
        hostname: os.hostname(),
        pid: process.pid,
        rssBytes: memory.rss,
        heapUsedBytes: memory.heapUsed,
        cpu: wall > 0 ? (cpu.user + cpu.system) / 1000 / wall : 0,
        // The histogram reports nanoseconds.
        eventLoopMedianMs: loop.count > 0 ? loop.percentile(50) / 1e6 : 0,
        eventLoopMaxMs: loop.count > 0 ? loop.max / 1e6 : 0,
      },
    };
  }

  async function publishOnce(): Promise<void> {
    const now = totalsOf(counters);
    const cpuNow = process.cpuUsage();
    const wallNow = performance.now();
    await publish(publication(now), options.db);
    published = now;
    cpuBefore = cpuNow;
    wallBefore = wallNow;
    loop.reset();
  }

  return {
    id,
    /** One publication; calls made while one is under way wait for it and then publish again. */
    async publishNow(): Promise<void> {
      while (running) await running.catch(() => undefined);
      running = publishOnce().finally(() => (running = null));
      return running;
    },
    stop() {
      loop.disable();
    },
  };
}

const KEY = Symbol.for("reel.monitoring.publisher");
const holder = globalThis as unknown as Record<symbol, boolean | undefined>;

/** Starts publishing this process's counters every PUBLISH_INTERVAL_MS (once per process, from instrumentation.ts). */
export function startMonitoring(): void {
  if (holder[KEY]) return;
  holder[KEY] = true;
  const publisher = createPublisher();
  let rounds = 0;
  const timer = setInterval(() => {
    publisher
      .publishNow()
      .then(() => (++rounds % PRUNE_EVERY === 1 ? prune() : undefined))
      .catch((error: unknown) => log.warn({ err: error }, "could not publish request statistics"));
  }, PUBLISH_INTERVAL_MS);
  timer.unref();
}
