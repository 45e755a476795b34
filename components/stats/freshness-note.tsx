"use client";

import { useSyncExternalStore } from "react";
import { FRESHNESS_NOTE } from "@/lib/stats/freshness";

const clock = new Intl.DateTimeFormat("en", { timeStyle: "medium", timeZone: "UTC" });

/** A clock that ticks each second in the browser; none on the server, so the first render matches the server's. */
const everySecond = (tick: () => void) => {
  const timer = setInterval(tick, 1000);
  return () => clearInterval(timer);
};
const nowSeconds = () => Math.floor(Date.now() / 1000);
const noClock = () => null;

/**
 * How fresh the figures are, with the age of this very page: a stored copy may be sent while a newer one is made
 * (lib/server/response-cache.ts, sendCachedOrWait), so the page says when it was made, not just how often figures move.
 * The server writes the time; the browser then counts the page's age.
 */
export function FreshnessNote({ madeAt }: { madeAt: number }) {
  const now = useSyncExternalStore(everySecond, nowSeconds, noClock);
  return (
    <>
      {FRESHNESS_NOTE} This page was made{" "}
      <time dateTime={new Date(madeAt).toISOString()} data-testid="stats-page-age">
        {now === null ? `at ${clock.format(madeAt)} UTC` : `${Math.max(0, now - Math.floor(madeAt / 1000))} s ago`}
      </time>
      .
    </>
  );
}
