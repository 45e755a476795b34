"use client";

import { useEffect, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { downloads } from "@/lib/offline/downloader";
import { checkSession, type SessionCheck } from "@/lib/offline/session-check";
import { offlineSupported } from "@/lib/offline/store";

/** Changes with every build (next.config.ts), so a deployment brings a new service worker and a fresh shell cache. */
const BUILD = process.env.REEL_BUILD_ID ?? "dev";

const NOTICES: Record<Exclude<SessionCheck, "kept">, string> = {
  "signed-out": "You were signed out; downloads on this device were removed.",
  "other-account": "Someone else is signed in now; the previous account's downloads on this device were removed.",
};

/**
 * The app side of offline viewing, mounted by OfflineAgent once the page is idle: registers the service worker
 * (public/sw.js) and catches up whenever the app is (back) online. Before anything of the account's is sent or
 * fetched, it checks that the account is still the one signed in (lib/offline/session-check.ts), also whenever the
 * app is shown again, and says so when its downloads had to go.
 */
export function OfflineSync() {
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
    navigator.serviceWorker
      .register(`/sw.js?v=${encodeURIComponent(BUILD)}`, { scope: "/", updateViaCache: "none" })
      .then(() => navigator.serviceWorker.ready)
      .then(() => {
        if (cancelled) return;
        started = true;
        return catchUp();
      })
      .catch(() => {});
    window.addEventListener("online", catchUp);
    document.addEventListener("visibilitychange", onVisible);
    return () => {
      cancelled = true;
      window.removeEventListener("online", catchUp);
      document.removeEventListener("visibilitychange", onVisible);
    };
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
