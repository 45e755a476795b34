"use client";

import { preload } from "react-dom";
import type { Preload } from "@/lib/playback/watch";

/**
 * Preloads the first media requests and hls.js. Rendered by a client component so server rendering writes these into
 * the HTML's <head> itself (hints from a server component only travel in the RSC payload, read after the HTML). The
 * first segment is fetched at high priority: the early start appends it (components/player/early/). hls.js is only downloaded
 * here, not run: the engine runs it after hydration, so its compilation does not delay the first frame. crossOrigin
 * "anonymous" matches the early start's and hls.js' requests, so the browser reuses these responses.
 */
export function PreloadHints({ preloads, script }: { preloads: Preload[]; script: string | null }) {
  for (const { href, priority } of preloads) preload(href, { as: "fetch", crossOrigin: "anonymous", fetchPriority: priority });
  if (script) preload(script, { as: "script", fetchPriority: "low" });
  return null;
}
