"use client";

import { lazy, useEffect } from "react";
import { WhenIdle } from "@/components/ui/when-idle";

/** Its code (the downloader, the offline store) is fetched once the page is idle, never before a first frame. */
const OfflineSync = lazy(() => import("./offline-sync").then((m) => ({ default: m.OfflineSync })));

function standalone(): boolean {
  return window.matchMedia("(display-mode: standalone)").matches || (navigator as Navigator & { standalone?: boolean }).standalone === true;
}

/**
 * The app side of offline viewing, on every page: the service worker, downloads catching up and the account check
 * (OfflineSync) start once the page is idle. In the installed app, links to other sites open outside it, from the
 * start.
 */
export function OfflineAgent() {
  useEffect(() => {
    const onClick = (e: MouseEvent) => {
      if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || !standalone()) return;
      const link = (e.target as Element | null)?.closest?.("a[href]") as HTMLAnchorElement | null;
      if (!link || new URL(link.href, location.href).origin === location.origin) return;
      e.preventDefault();
      window.open(link.href, "_blank", "noopener,noreferrer");
    };
    document.addEventListener("click", onClick);
    return () => document.removeEventListener("click", onClick);
  }, []);

  return (
    <WhenIdle>
      <OfflineSync />
    </WhenIdle>
  );
}
