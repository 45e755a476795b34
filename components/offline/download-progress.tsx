"use client";

import { Button } from "@/components/ui/button";
import { describeSpeed, downloads, type DownloadState } from "@/lib/offline/downloader";
import { formatBytes } from "@/lib/offline/rules";

/** Progress bar with size and speed, and the controls of a download under way or paused. */
export function DownloadProgress({ state }: { state: DownloadState }) {
  const percent = state.totalBytes > 0 ? Math.min(100, Math.floor((state.storedBytes / state.totalBytes) * 100)) : 0;
  const manager = downloads();
  return (
    <div className="space-y-2" data-testid="download-progress" data-download-status={state.status}>
      <div className="h-2 w-full overflow-hidden rounded-full bg-white/15" role="progressbar" aria-valuenow={percent} aria-valuemin={0} aria-valuemax={100} aria-label="Download progress">
        <div className="h-full bg-accent transition-[width]" style={{ width: `${percent}%` }} />
      </div>
      <p className="text-xs text-muted" aria-live="polite">
        {percent}% · {formatBytes(state.storedBytes)} of {formatBytes(state.totalBytes)}
        {state.status === "downloading" && state.bytesPerSecond !== null && ` · ${describeSpeed(state.bytesPerSecond)}`}
        {state.status === "paused" && " · paused"}
      </p>
      {state.note && <p className="text-xs text-warning">{state.note}</p>}
      <div className="flex gap-2">
        {state.status === "downloading" ? (
          <Button size="sm" variant="secondary" onClick={() => void manager.pause(state.videoId)}>
            Pause
          </Button>
        ) : (
          <Button size="sm" variant="secondary" onClick={() => void manager.resume(state.videoId)}>
            Resume
          </Button>
        )}
        <Button size="sm" variant="ghost" onClick={() => void manager.cancel(state.videoId)}>
          Cancel
        </Button>
      </div>
    </div>
  );
}
