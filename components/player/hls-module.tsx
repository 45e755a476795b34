"use client";

import Hls from "hls.js/light";

export { Hls };

/**
 * Renders nothing. The player renders it through next/dynamic only so that server rendering puts a preload of
 * this chunk (hls.js) into the HTML: it then downloads alongside the page's own scripts instead of after them.
 */
export default function HlsChunk() {
  return null;
}
