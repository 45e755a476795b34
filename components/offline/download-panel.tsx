"use client";

import { lazy } from "react";
import { WhenIdle } from "@/components/ui/when-idle";

/** Nothing of it shows before hydration anyway (offline support is a browser's): its code waits for an idle page. */
const SaveOffline = lazy(() => import("./save-offline").then((m) => ({ default: m.SaveOffline })));

/** "Save offline" on the watch page, below the player: it comes once the page is idle, after the video has started. */
export function DownloadPanel(props: { videoId: string; saveProgress: boolean }) {
  return (
    <WhenIdle>
      <SaveOffline {...props} />
    </WhenIdle>
  );
}
