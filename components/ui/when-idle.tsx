"use client";

import { Suspense, useEffect, useState, type ReactNode } from "react";

/**
 * Runs `run` once the browser is idle (or `timeoutMs` from now at the latest); Safari has no requestIdleCallback, so
 * there `fallbackMs` from now instead. Returns what cancels it.
 */
export function whenIdle(run: () => void, { timeoutMs, fallbackMs }: { timeoutMs: number; fallbackMs: number }): () => void {
  if (!("requestIdleCallback" in window)) {
    const timer = setTimeout(run, fallbackMs);
    return () => clearTimeout(timer);
  }
  const handle = window.requestIdleCallback(run, { timeout: timeoutMs });
  return () => window.cancelIdleCallback(handle);
}

/**
 * Renders its children once the page has loaded and the browser is idle (or `timeoutMs` after the load at the
 * latest), never on the server. For parts nobody needs at the first paint, given as `React.lazy` components: their
 * code is then neither fetched nor run while the page is hydrating and the video is starting.
 */
export function WhenIdle({ children, timeoutMs = 5000 }: { children: ReactNode; timeoutMs?: number }) {
  const [idle, setIdle] = useState(false);

  useEffect(() => {
    let cancel: (() => void) | undefined;
    const wait = () => {
      cancel = whenIdle(() => setIdle(true), { timeoutMs, fallbackMs: 2000 });
    };
    if (document.readyState === "complete") wait();
    else window.addEventListener("load", wait, { once: true });
    return () => {
      window.removeEventListener("load", wait);
      cancel?.();
    };
  }, [timeoutMs]);

  return idle ? <Suspense>{children}</Suspense> : null;
}
