import "server-only";
import { LRUCache } from "lru-cache";
import { childLogger } from "@/lib/log";
import { formatBytes } from "@/lib/uploads/format";
import { getSetting } from "@/lib/settings";
import { cachedSettings } from "@/lib/settings/cached";
import { addProxyUsage, proxyBytesOn } from "./queries";

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
  const today = todays.get(userId);
  if (today?.day === day(now)) today.since += bytes;
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

/**
 * The daily limit (setting proxyDailyBytes): what one person relayed today, known without a query per request.
 * Each process reads a person's stored total at most every few seconds and adds what it relayed itself since;
 * bytes other processes relayed arrive with their next write (every FLUSH_EVERY_MS). So the limit holds within
 * seconds, and a response already under way when it is reached is finished, not cut.
 */
const REREAD_MS = 10_000;
type Today = { day: string; stored: number; since: number; at: number };
const todays = new LRUCache<string, Today>({ max: 10_000 });

export const dailyByteLimit = cachedSettings(() => getSetting("proxyDailyBytes"));

async function readToday(userId: string, d: string, now: number): Promise<Today> {
  const stored = await proxyBytesOn(userId, d);
  // Counted here but not yet written: part of today too.
  const unwritten = pending.get(`${userId} ${d}`)?.bytes ?? 0;
  const today = { day: d, stored: stored + unwritten, since: 0, at: now };
  todays.set(userId, today);
  return today;
}

/** Bytes relayed for this person today (UTC) as far as this process knows. */
export async function bytesToday(userId: string, now = Date.now()): Promise<number> {
  const d = day(now);
  let today = todays.get(userId);
  if (!today || today.day !== d) today = await readToday(userId, d, now);
  else if (now - today.at > REREAD_MS) {
    today.at = now;
    readToday(userId, d, now).catch((error: unknown) => log.warn({ err: error }, "could not read proxy usage"));
  }
  return today.stored + today.since;
}

/** Seconds until the daily limit starts again (midnight UTC). */
export function secondsToNextDay(now = Date.now()): number {
  return Math.max(1, Math.ceil((86_400_000 - (now % 86_400_000)) / 1000));
}

/** Why this person may not have more relayed today, in plain words, or null. `limit` overrides the setting. */
export async function dailyLimitRefusal(userId: string, limit?: number): Promise<string | null> {
  const max = limit ?? (await dailyByteLimit.get());
  if (max <= 0 || (await bytesToday(userId)) < max) return null;
  return `The daily limit of ${formatBytes(max)} of played links per person is reached; it starts again at 00:00 UTC`;
}
