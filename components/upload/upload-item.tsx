"use client";

import { Button } from "@/components/ui/button";
import { formatBytes, formatEta } from "@/lib/uploads/format";
import type { UploadEntry } from "./use-uploads";
import { VideoStatus } from "./video-status";

type Actions = {
  pause(key: string): void;
  resume(key: string): void;
  retry(key: string): void;
  cancel(key: string): void;
  dismiss(key: string): void;
};

export function UploadItem({ entry, actions }: { entry: UploadEntry; actions: Actions }) {
  const percent = entry.size > 0 ? Math.floor((entry.sent / entry.size) * 100) : entry.phase === "done" ? 100 : 0;
  return (
    <li className="rounded-xl border border-line bg-panel p-4" data-testid="upload-item" data-phase={entry.phase} data-name={entry.name}>
      <div className="flex items-baseline justify-between gap-3">
        <span className="truncate font-medium" title={entry.name}>
          {entry.name}
        </span>
        <span className="shrink-0 text-xs text-muted">{formatBytes(entry.size)}</span>
      </div>

      {entry.phase === "refused" ? (
        <div className="mt-1 flex items-center justify-between gap-3 text-sm">
          <p className="text-danger" data-testid="upload-refused">
            Not uploaded: {entry.message}
          </p>
          <Button variant="ghost" size="sm" onClick={() => actions.dismiss(entry.key)}>
            Dismiss
          </Button>
        </div>
      ) : (
        <>
          <div
            className="mt-3 h-2 overflow-hidden rounded-full bg-panel-2"
            role="progressbar"
            aria-label={`Upload of ${entry.name}`}
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={percent}
            data-testid="upload-progress"
          >
            <div className={`h-full ${entry.phase === "error" ? "bg-danger" : "bg-accent"} transition-[width]`} style={{ width: `${percent}%` }} />
          </div>
          <div className="mt-1 flex flex-wrap items-center justify-between gap-2 text-xs text-muted">
            <span data-testid="upload-percent">
              {percent}%{entry.phase === "uploading" && entry.speed ? ` · ${formatBytes(entry.speed)}/s` : ""}
              {entry.phase === "uploading" && entry.etaSeconds !== null ? ` · ${formatEta(entry.etaSeconds)} left` : ""}
              {entry.phase === "paused" ? " · paused" : ""}
              {entry.resumedFrom !== null && entry.phase !== "done" ? " · resumed" : ""}
            </span>
            <span className="flex gap-2">
              {entry.phase === "uploading" ? (
                <Button variant="secondary" size="sm" onClick={() => actions.pause(entry.key)}>
                  Pause
                </Button>
              ) : null}
              {entry.phase === "paused" ? (
                <Button variant="secondary" size="sm" onClick={() => actions.resume(entry.key)}>
                  Resume
                </Button>
              ) : null}
              {entry.phase === "error" ? (
                <Button variant="secondary" size="sm" onClick={() => actions.retry(entry.key)}>
                  Retry
                </Button>
              ) : null}
              {entry.phase !== "done" ? (
                <Button variant="secondary" size="sm" onClick={() => actions.cancel(entry.key)}>
                  Cancel
                </Button>
              ) : null}
            </span>
          </div>
          {entry.phase === "error" && entry.message ? (
            <p className="mt-1 text-sm text-danger" data-testid="upload-error">
              {entry.message}
            </p>
          ) : null}
          {entry.phase === "done" && entry.videoId ? <VideoStatus videoId={entry.videoId} /> : null}
        </>
      )}
    </li>
  );
}
