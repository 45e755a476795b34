"use client";

import { preload } from "react-dom";
import type { Preload } from "@/lib/playback/watch";

/**
 * Preloads the first media requests, and hls.js when the page has no early start. Rendered by a client component so
 * server rendering writes these into the HTML's <head> itself (hints from a server component only travel in the RSC
 * payload, read after the HTML). The first segment is fetched at high priority: the early start appends it
 * (components/player/early/). hls.js is only downloaded here, not run: the engine runs it after hydration. crossOrigin
 * "anonymous" matches the early start's and hls.js' requests, so the browser reuses these responses.
 */
export function PreloadHints({ preloads }: { preloads: Preload[] }) {
  for (const { href, priority, as } of preloads) {
    if (as === "script") preload(href, { as, fetchPriority: priority });
    else preload(href, { as, crossOrigin: "anonymous", fetchPriority: priority });
  }
  return null;
}
