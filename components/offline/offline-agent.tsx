"use client";

import { useEffect } from "react";
import { downloads } from "@/lib/offline/downloader";
import { offlineSupported } from "@/lib/offline/store";

/** Changes with every build (next.config.ts), so a deployment brings a new service worker and a fresh shell cache. */
const BUILD = process.env.REEL_BUILD_ID ?? "dev";

function standalone(): boolean {
  return window.matchMedia("(display-mode: standalone)").matches || (navigator as Navigator & { standalone?: boolean }).standalone === true;
}

/** Sends what was recorded offline, and catches up on downloads: unfinished ones go on, changed ones refresh. */
function catchUp() {
  if (!navigator.onLine) return;
  navigator.serviceWorker.controller?.postMessage({ type: "flush-outbox" });
  void downloads().resumeAll();
  void downloads().checkStale();
}

/**
 * The app side of offline viewing, on every page: registers the service worker (public/sw.js) once the page is idle,
 * so it never competes with a first frame, and catches up whenever the app is (back) online. In the installed app,
 * links to other sites open outside it.
 */
export function OfflineAgent() {
  useEffect(() => {
    if (!offlineSupported()) return;
    let cancelled = false;
    const start = () => {
      if (cancelled) return;
      navigator.serviceWorker
        .register(`/sw.js?v=${encodeURIComponent(BUILD)}`, { scope: "/", updateViaCache: "none" })
        .then(() => navigator.serviceWorker.ready)
        .then(() => !cancelled && catchUp())
        .catch(() => {});
    };
    const idle = () => ("requestIdleCallback" in window ? window.requestIdleCallback(start, { timeout: 5000 }) : setTimeout(start, 2000));
    if (document.readyState === "complete") idle();
    else window.addEventListener("load", idle, { once: true });
    window.addEventListener("online", catchUp);
    return () => {
      cancelled = true;
      window.removeEventListener("load", idle);
      window.removeEventListener("online", catchUp);
    };
  }, []);

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
  return null;
}
