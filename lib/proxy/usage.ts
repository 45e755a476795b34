import "server-only";
import { childLogger } from "@/lib/log";
import { addProxyUsage } from "./queries";

/**
 * Bytes the proxy sent, per user per UTC day: summed in memory on the byte path and written in one statement
 * every few seconds (and on shutdown), so the database sees a handful of writes however many ranges are served.
 */
const FLUSH_EVERY_MS = 5_000;
const log = childLogger("proxy");

type Pending = { bytes: number; streams: number };
let pending = new Map<string, Pending>();
let timer: ReturnType<typeof setTimeout> | null = null;

function day(now: number): string {
  return new Date(now).toISOString().slice(0, 10);
}

export function countUsage(userId: string, bytes: number, now = Date.now()): void {
  const key = `${userId} ${day(now)}`;
  const entry = pending.get(key) ?? { bytes: 0, streams: 0 };
  entry.bytes += bytes;
  entry.streams += 1;
  pending.set(key, entry);
  timer ??= setTimeout(() => void flushUsage(), FLUSH_EVERY_MS).unref();
}

export async function flushUsage(): Promise<void> {
  if (timer) clearTimeout(timer);
  timer = null;
  if (pending.size === 0) return;
  const batch = pending;
  pending = new Map();
  const rows = [...batch].map(([key, v]) => {
    const [userId, d] = key.split(" ");
    return { userId, day: d, bytes: v.bytes, streams: v.streams };
  });
  try {
    await addProxyUsage(rows);
  } catch (error) {
    // A user deleted meanwhile, or the database away for a moment: the counts are statistics, not billing.
    log.warn({ err: error, rows: rows.length }, "could not record proxy usage");
  }
}
