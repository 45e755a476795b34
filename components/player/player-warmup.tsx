"use client";

import { useEffect } from "react";
import { whenIdle } from "@/components/ui/when-idle";
import { loadHls } from "./engine";

/**
 * Once a page is idle, downloads and runs hls.js, so that a video opened from it (a client-side navigation: no HTML
 * of its own, so no early start) does not wait for hls.js to arrive and compile before its first frame. Once per tab:
 * the script is cached as immutable and kept on window.
 */
export function PlayerWarmup({ script }: { script: string }) {
  useEffect(() => {
    if (!("MediaSource" in window || "ManagedMediaSource" in window)) return;
    return whenIdle(() => void loadHls(script).catch(() => {}), { timeoutMs: 3000, fallbackMs: 1000 });
  }, [script]);
  return null;
}
