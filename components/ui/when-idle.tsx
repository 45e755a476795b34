"use client";

import { Suspense, useEffect, useState, type ReactNode } from "react";

/** Safari has no requestIdleCallback: this long after the load event instead. */
const FALLBACK_DELAY_MS = 2000;

/**
 * Renders its children once the page has loaded and the browser is idle (or `timeoutMs` after the load at the
 * latest), never on the server. For parts nobody needs at the first paint, given as `React.lazy` components: their
 * code is then neither fetched nor run while the page is hydrating and the video is starting.
 */
export function WhenIdle({ children, timeoutMs = 5000 }: { children: ReactNode; timeoutMs?: number }) {
  const [idle, setIdle] = useState(false);

  useEffect(() => {
    let handle: number | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const ready = () => setIdle(true);
    const wait = () => {
      if ("requestIdleCallback" in window) handle = window.requestIdleCallback(ready, { timeout: timeoutMs });
      else timer = setTimeout(ready, FALLBACK_DELAY_MS);
    };
    if (document.readyState === "complete") wait();
    else window.addEventListener("load", wait, { once: true });
    return () => {
      window.removeEventListener("load", wait);
      if (handle !== undefined) window.cancelIdleCallback(handle);
      clearTimeout(timer);
    };
  }, [timeoutMs]);

  return idle ? <Suspense>{children}</Suspense> : null;
}
