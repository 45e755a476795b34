import type { Logger } from "pino";
import { childLogger } from "@/lib/log";
import { rollUpAndExpire } from "@/lib/stats/rollup";

/** Hourly sums are rebuilt this often; the newest complete hour shows up in them within this long. */
const EVERY_MS = 10 * 60_000;

/**
 * Rolls playback reports up into hourly sums and expires old raw reports (lib/stats/rollup.ts). Not a queued job:
 * every worker runs the timer and an advisory lock lets one of them do the work. Returns a function that stops it.
 */
export function startStatsRollup({ log = childLogger("worker") }: { log?: Logger } = {}) {
  let running: Promise<void> | null = null;
  const run = () => {
    running ??= rollUpAndExpire()
      .then((result) => {
        if (result) log.info({ job: "stats-rollup", ...result }, "playback statistics rolled up");
      })
      .catch((err: unknown) => log.warn({ err, job: "stats-rollup" }, "could not roll up playback statistics"))
      .finally(() => {
        running = null;
      });
  };
  const timer = setInterval(run, EVERY_MS);
  run();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
