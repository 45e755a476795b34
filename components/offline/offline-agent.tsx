"use client";

import { useEffect, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { downloads } from "@/lib/offline/downloader";
import { checkSession, type SessionCheck } from "@/lib/offline/session-check";
import { offlineSupported } from "@/lib/offline/store";

/** Changes with every build (next.config.ts), so a deployment brings a new service worker and a fresh shell cache. */
const BUILD = process.env.REEL_BUILD_ID ?? "dev";

function standalone(): boolean {
  return window.matchMedia("(display-mode: standalone)").matches || (navigator as Navigator & { standalone?: boolean }).standalone === true;
}

const NOTICES: Record<Exclude<SessionCheck, "kept">, string> = {
  "signed-out": "You were signed out; downloads on this device were removed.",
  "other-account": "Someone else is signed in now; the previous account's downloads on this device were removed.",
};

/**
 * The app side of offline viewing, on every page: registers the service worker (public/sw.js) once the page is idle,
 * so it never competes with a first frame, and catches up whenever the app is (back) online. Before anything of the
 * account's is sent or fetched, it checks that the account is still the one signed in (lib/offline/session-check.ts),
 * also whenever the app is shown again, and says so when its downloads had to go. In the installed app, links to
 * other sites open outside it.
 */
export function OfflineAgent() {
  const [notice, setNotice] = useState<string | null>(null);

  useEffect(() => {
    if (!offlineSupported()) return;
    let cancelled = false;
    let started = false;
    /** The data on this device is forgotten if it is no longer the signed-in account's (never offline). */
    const confirmSession = async () => {
      const found = await checkSession().catch((): SessionCheck => "kept");
      if (found !== "kept" && !cancelled) setNotice(NOTICES[found]);
      // Reports queued offline go out now: public/sw.js sends each only under the session it was made in.
      if (navigator.onLine) navigator.serviceWorker.controller?.postMessage({ type: "flush-outbox" });
    };
    /** Then downloads catch up: unfinished ones go on, changed ones refresh. */
    const catchUp = async () => {
      if (!navigator.onLine) return;
      await confirmSession();
      void downloads().resumeAll();
      void downloads().checkStale();
    };
    const onVisible = () => {
      if (started && document.visibilityState === "visible" && navigator.onLine) void confirmSession();
    };
    const start = () => {
      if (cancelled) return;
      navigator.serviceWorker
        .register(`/sw.js?v=${encodeURIComponent(BUILD)}`, { scope: "/", updateViaCache: "none" })
        .then(() => navigator.serviceWorker.ready)
        .then(() => {
          if (cancelled) return;
          started = true;
          return catchUp();
        })
        .catch(() => {});
    };
    const idle = () => ("requestIdleCallback" in window ? window.requestIdleCallback(start, { timeout: 5000 }) : setTimeout(start, 2000));
    if (document.readyState === "complete") idle();
    else window.addEventListener("load", idle, { once: true });
    window.addEventListener("online", catchUp);
    document.addEventListener("visibilitychange", onVisible);
    return () => {
      cancelled = true;
      window.removeEventListener("load", idle);
      window.removeEventListener("online", catchUp);
      document.removeEventListener("visibilitychange", onVisible);
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

  if (!notice) return null;
  return (
    <div className="fixed inset-x-4 bottom-4 z-50 mx-auto max-w-md rounded-lg bg-panel shadow-lg" data-testid="offline-notice">
      <Alert tone="info">
        <div className="flex items-center justify-between gap-3">
          <span>{notice}</span>
          <Button size="sm" variant="ghost" onClick={() => setNotice(null)}>
            Dismiss
          </Button>
        </div>
      </Alert>
    </div>
  );
}
