"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useState, useSyncExternalStore } from "react";
import { playerVideo } from "./player-element";

const STORAGE_KEY = "reel:autoplay-next";
const COUNTDOWN_SECONDS = 5;
const listeners = new Set<() => void>();

function subscribe(listener: () => void) {
  listeners.add(listener);
  window.addEventListener("storage", listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener("storage", listener);
  };
}

/** On unless the viewer turned it off (remembered on this device). */
function autoplayOn(): boolean {
  try {
    return localStorage.getItem(STORAGE_KEY) !== "off";
  } catch {
    return true;
  }
}

function setAutoplay(on: boolean) {
  try {
    localStorage.setItem(STORAGE_KEY, on ? "on" : "off");
  } catch {
    // Storage refused (private mode): the choice lasts for this page only.
  }
  for (const l of listeners) l();
}

/** The "Autoplay next" switch, for the Up next heading. */
export function AutoplaySwitch() {
  const on = useSyncExternalStore(subscribe, autoplayOn, () => true);
  return (
    <div className="flex min-h-11 items-center gap-2 text-sm text-muted pointer-fine:min-h-9">
      <span id="autoplay-next-label">Autoplay next</span>
      <button
        type="button"
        role="switch"
        aria-checked={on}
        aria-labelledby="autoplay-next-label"
        onClick={() => setAutoplay(!on)}
        data-testid="autoplay-switch"
        className={`relative h-6 w-10 rounded-full transition-colors ${on ? "bg-accent" : "bg-line-strong"}`}
      >
        <span aria-hidden className={`absolute top-1 left-1 size-4 rounded-full bg-white transition-transform ${on ? "translate-x-4" : ""}`} />
      </button>
    </div>
  );
}

/**
 * When the video ends and autoplay is on: a card counting down 5 s to the next video, which the viewer can
 * cancel or skip. Playing again (a seek back, replay) also cancels it.
 */
export function AutoplayNext({ next }: { next: { id: string; title: string } }) {
  const router = useRouter();
  const on = useSyncExternalStore(subscribe, autoplayOn, () => true);
  const [left, setLeft] = useState<number | null>(null);
  const href = `/watch/${next.id}`;

  useEffect(() => {
    const video = playerVideo();
    if (!video) return;
    const onEnded = () => setLeft(autoplayOn() ? COUNTDOWN_SECONDS : null);
    const onPlay = () => setLeft(null);
    video.addEventListener("ended", onEnded);
    video.addEventListener("play", onPlay);
    return () => {
      video.removeEventListener("ended", onEnded);
      video.removeEventListener("play", onPlay);
    };
  }, []);

  // Turning autoplay off during the countdown stops it as Cancel does.
  useEffect(() => {
    if (left === null || !on) return;
    if (left === 0) {
      router.push(href);
      return;
    }
    const timer = setTimeout(() => setLeft(left - 1), 1000);
    return () => clearTimeout(timer);
  }, [left, on, href, router]);

  if (left === null || !on) return null;
  return (
    <div role="status" className="mt-3 flex flex-wrap items-center gap-3 rounded-xl border border-line bg-panel p-3" data-testid="autoplay-countdown">
      <p className="min-w-0 flex-1 text-sm">
        Up next in <span className="tabular-nums">{left}</span> s: <span className="font-medium">{next.title}</span>
      </p>
      <div className="flex gap-2">
        <button type="button" onClick={() => setLeft(null)} className="min-h-11 rounded-lg border border-line bg-panel-2 px-3 text-sm pointer-fine:min-h-9" data-testid="autoplay-cancel">
          Cancel
        </button>
        <Link href={href} className="inline-flex min-h-11 items-center rounded-lg bg-accent px-3 text-sm font-medium text-white pointer-fine:min-h-9">
          Play now
        </Link>
      </div>
    </div>
  );
}
