"use client";

import { formatBytes, formatDuration } from "@/lib/uploads/format";
import type { UploadEntry } from "./use-uploads";
import { VideoStatus } from "./video-status";

type Actions = {
  pause(key: string): void;
  resume(key: string): void;
  retry(key: string): void;
  cancel(key: string): void;
  dismiss(key: string): void;
};

const button = "rounded border border-neutral-700 px-2 py-0.5 text-xs hover:border-neutral-400";

export function UploadItem({ entry, actions }: { entry: UploadEntry; actions: Actions }) {
  const percent = entry.size > 0 ? Math.floor((entry.sent / entry.size) * 100) : entry.phase === "done" ? 100 : 0;
  return (
    <li className="rounded-lg bg-panel p-3" data-testid="upload-item" data-phase={entry.phase} data-name={entry.name}>
      <div className="flex items-baseline justify-between gap-3">
        <span className="truncate font-medium" title={entry.name}>
          {entry.name}
        </span>
        <span className="shrink-0 text-xs text-muted">{formatBytes(entry.size)}</span>
      </div>

      {entry.phase === "refused" ? (
        <div className="mt-1 flex items-center justify-between gap-3 text-sm">
          <p className="text-red-400" data-testid="upload-refused">
            Not uploaded: {entry.message}
          </p>
          <button type="button" className={button} onClick={() => actions.dismiss(entry.key)}>
            Dismiss
          </button>
        </div>
      ) : (
        <>
          <div
            className="mt-2 h-2 overflow-hidden rounded bg-neutral-800"
            role="progressbar"
            aria-label={`Upload of ${entry.name}`}
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={percent}
            data-testid="upload-progress"
          >
            <div className={`h-full ${entry.phase === "error" ? "bg-red-600" : "bg-accent"} transition-[width]`} style={{ width: `${percent}%` }} />
          </div>
          <div className="mt-1 flex flex-wrap items-center justify-between gap-2 text-xs text-muted">
            <span data-testid="upload-percent">
              {percent}%{entry.phase === "uploading" && entry.speed ? ` · ${formatBytes(entry.speed)}/s` : ""}
              {entry.phase === "uploading" && entry.etaSeconds !== null ? ` · ${formatDuration(entry.etaSeconds)} left` : ""}
              {entry.phase === "paused" ? " · paused" : ""}
              {entry.resumedFrom !== null && entry.phase !== "done" ? " · resumed" : ""}
            </span>
            <span className="flex gap-2">
              {entry.phase === "uploading" ? (
                <button type="button" className={button} onClick={() => actions.pause(entry.key)}>
                  Pause
                </button>
              ) : null}
              {entry.phase === "paused" ? (
                <button type="button" className={button} onClick={() => actions.resume(entry.key)}>
                  Resume
                </button>
              ) : null}
              {entry.phase === "error" ? (
                <button type="button" className={button} onClick={() => actions.retry(entry.key)}>
                  Retry
                </button>
              ) : null}
              {entry.phase !== "done" ? (
                <button type="button" className={button} onClick={() => actions.cancel(entry.key)}>
                  Cancel
                </button>
              ) : null}
            </span>
          </div>
          {entry.phase === "error" && entry.message ? (
            <p className="mt-1 text-sm text-red-400" data-testid="upload-error">
              {entry.message}
            </p>
          ) : null}
          {entry.phase === "done" && entry.videoId ? <VideoStatus videoId={entry.videoId} /> : null}
        </>
      )}
    </li>
  );
}
