"use client";

import { useId, useState } from "react";
import { CopyButton } from "@/components/ui/copy-button";
import { formatTime } from "@/lib/playback/shortcuts";
import { formatStartTime } from "@/lib/playback/start-time";
import { embedIframe } from "@/lib/videos/embed";
import { ActionPopover } from "./action-popover";
import { playerVideo } from "./player-element";

/** Share: a link to copy, optionally at the player's current time (`?t=1m23s`), and the embed snippet when allowed. */
export function ShareMenu({ videoId, title, embeddable }: { videoId: string; title: string; embeddable: boolean }) {
  const [origin, setOrigin] = useState("");
  const [at, setAt] = useState(0);
  const [withTime, setWithTime] = useState(false);
  const id = useId();

  const snippet = embedIframe(origin, videoId, title, { width: 640, height: 360 });
  const link = `${origin}/watch/${videoId}${withTime && at > 0 ? `?t=${formatStartTime(at)}` : ""}`;
  const field = "block w-full rounded-lg border border-line bg-panel-2 px-3 py-2 text-sm text-fg";
  return (
    <ActionPopover
      icon="↗"
      label="Share"
      panelLabel="Share this video"
      testId="share-button"
      panelTestId="share-panel"
      panelClassName="w-[min(24rem,calc(100vw-2rem))] space-y-3 p-4"
      onOpen={() => {
        setOrigin(window.location.origin);
        setAt(Math.floor(playerVideo()?.currentTime ?? 0));
      }}
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
    </ActionPopover>
  );
}
