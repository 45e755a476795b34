"use client";

import { preload } from "react-dom";

/**
 * Preload hints for hls.js and the first media requests. Rendered by a client component so server rendering writes them into
 * the HTML itself (hints from a server component only travel in the RSC payload, read after the HTML).
 * crossOrigin "anonymous" matches hls.js' requests, so the browser reuses these responses.
 */
export function PreloadHints({ hrefs, script }: { hrefs: string[]; script: string | null }) {
  // The early start adds this script only once the parser reaches the player; the download should not wait for that.
  if (script) preload(script, { as: "script", fetchPriority: "high" });
  for (const href of hrefs) preload(href, { as: "fetch", crossOrigin: "anonymous" });
  return null;
}
