"use client";

import { useId, useState } from "react";
import { CopyButton } from "@/components/ui/copy-button";
import { formatTime } from "@/lib/playback/shortcuts";
import { formatStartTime } from "@/lib/playback/start-time";
import { embedIframe } from "@/lib/videos/embed";
import { playerVideo } from "./player-element";

/** Share: a link to copy, optionally at the player's current time (`?t=1m23s`), and the embed snippet when allowed. */
export function ShareMenu({ videoId, title, embeddable }: { videoId: string; title: string; embeddable: boolean }) {
  const [open, setOpen] = useState(false);
  const [origin, setOrigin] = useState("");
  const [at, setAt] = useState(0);
  const [withTime, setWithTime] = useState(false);
  const id = useId();

  const toggle = () => {
    if (!open) {
      setOrigin(window.location.origin);
      setAt(Math.floor(playerVideo()?.currentTime ?? 0));
    }
    setOpen(!open);
  };

  const snippet = embedIframe(origin, videoId, title, { width: 640, height: 360 });
  const link = `${origin}/watch/${videoId}${withTime && at > 0 ? `?t=${formatStartTime(at)}` : ""}`;
  const field = "block w-full rounded-lg border border-line bg-panel-2 px-3 py-2 text-sm text-fg";
  return (
    <div className="relative">
      <button
        type="button"
        onClick={toggle}
        aria-expanded={open}
        aria-controls={`${id}-panel`}
        data-testid="share-button"
        className="inline-flex min-h-11 items-center gap-1.5 rounded-lg border border-line bg-panel-2 px-3 text-sm hover:border-line-strong pointer-fine:min-h-9"
      >
        <span aria-hidden>↗</span> Share
      </button>
      {open && (
        <div
          id={`${id}-panel`}
          role="group"
          aria-label="Share this video"
          onKeyDown={(e) => e.key === "Escape" && setOpen(false)}
          className="absolute right-0 z-30 mt-2 w-[min(24rem,calc(100vw-2rem))] space-y-3 rounded-xl border border-line bg-panel p-4 shadow-xl"
          data-testid="share-panel"
        >
          <div className="space-y-1.5">
            <label htmlFor={`${id}-link`} className="text-sm font-medium">
              Link
            </label>
            <div className="flex gap-2">
              <input id={`${id}-link`} readOnly value={link} onFocus={(e) => e.target.select()} className={field} data-testid="share-link" />
              <CopyButton value={link} size="sm" />
            </div>
            {at > 0 && (
              <label className="flex min-h-9 items-center gap-2 text-sm">
                <input type="checkbox" checked={withTime} onChange={(e) => setWithTime(e.target.checked)} className="size-4 accent-accent" data-testid="share-at-time" />
                Start at {formatTime(at)}
              </label>
            )}
          </div>
          {embeddable && (
            <div className="space-y-1.5">
              <label htmlFor={`${id}-embed`} className="text-sm font-medium">
                Embed
              </label>
              <textarea id={`${id}-embed`} readOnly rows={3} value={snippet} onFocus={(e) => e.target.select()} className={`${field} font-mono text-xs`} data-testid="share-embed" />
              <CopyButton value={snippet} label="Copy embed code" size="sm" />
            </div>
          )}
        </div>
      )}
    </div>
  );
}
