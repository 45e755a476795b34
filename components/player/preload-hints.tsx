"use client";

import { preload } from "react-dom";

/**
 * Preload hints for the first media requests. Rendered by a client component so server rendering writes them into
 * the HTML itself (hints from a server component only travel in the RSC payload, read after the HTML).
 * crossOrigin "anonymous" matches hls.js' requests, so the browser reuses these responses.
 */
export function PreloadHints({ hrefs }: { hrefs: string[] }) {
  for (const href of hrefs) preload(href, { as: "fetch", crossOrigin: "anonymous" });
  return null;
}
