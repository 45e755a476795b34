"use client";

import { preinit, preload } from "react-dom";

/**
 * Starts hls.js and preloads the first media requests. Rendered by a client component so server rendering writes
 * these into the HTML's <head> itself (hints from a server component only travel in the RSC payload, read after the
 * HTML). hls.js is an async script: it runs as soon as it has arrived, before the parser reaches the player, which
 * then finds it ready (early-start.ts). crossOrigin "anonymous" matches hls.js' requests, so the browser reuses
 * these responses.
 */
export function PreloadHints({ hrefs, script }: { hrefs: string[]; script: string | null }) {
  if (script) preinit(script, { as: "script", fetchPriority: "high" });
  for (const href of hrefs) preload(href, { as: "fetch", crossOrigin: "anonymous" });
  return null;
}
