"use client";

import Link from "next/link";
import { useEffect, useState, useSyncExternalStore } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { downloads, fetchSummary, type DownloadState } from "@/lib/offline/downloader";
import { defaultQuality, formatBytes } from "@/lib/offline/rules";
import { offlineSupported, readRecord, storedRels } from "@/lib/offline/store";
import type { DownloadRecord, OfflineSummary } from "@/lib/offline/types";
import { DownloadProgress } from "./download-progress";
import { useDownloadsGeneration, useDownloadState } from "./use-downloads";

const noSubscription = () => () => {};

/** What this device holds of the video when the panel opens (a download from before, perhaps unfinished). */
async function storedState(videoId: string): Promise<{ record: DownloadRecord; state: DownloadState } | null> {
  const record = await readRecord(videoId);
  if (!record) return null;
  const stored = await storedRels(videoId);
  const storedBytes = record.files.filter((f) => stored.has(f.rel)).reduce((n, f) => n + f.bytes, 0);
  return { record, state: { videoId, status: record.status, storedBytes, totalBytes: record.totalBytes, bytesPerSecond: null, note: record.note } };
}

/**
 * "Save offline" on the watch page (see DownloadPanel): pick a quality (sizes shown; by default the highest not taller
 * than this screen), then follow, pause, resume or cancel the download. Nothing here runs before it is opened.
 */
export function SaveOffline({ videoId, saveProgress }: { videoId: string; saveProgress: boolean }) {
  const live = useDownloadState(videoId);
  const [initial, setInitial] = useState<{ record: DownloadRecord; state: DownloadState } | null>(null);
  const [summary, setSummary] = useState<OfflineSummary | null>(null);
  const [height, setHeight] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const supported = useSyncExternalStore(noSubscription, offlineSupported, () => false);

  const generation = useDownloadsGeneration();

  useEffect(() => {
    if (offlineSupported()) void storedState(videoId).then(setInitial, () => {});
  }, [videoId, generation]);

  if (!supported) return null;
  const state = live ?? initial?.state;

  const open = async () => {
    setError(null);
    try {
      const found = await fetchSummary(videoId);
      if (found === "gone") return setError("This video cannot be downloaded.");
      setSummary(found);
      setHeight(defaultQuality(found.qualities, window.screen.height * (window.devicePixelRatio || 1))?.height ?? null);
    } catch (e) {
      setError((e as Error).message);
    }
  };

  let body: React.ReactNode;
  if (state?.status === "complete") {
    body = (
      <div className="space-y-2">
        <div className="h-2 w-full overflow-hidden rounded-full bg-white/15" role="progressbar" aria-valuenow={100} aria-valuemin={0} aria-valuemax={100} aria-label="Download progress">
          <div className="h-full w-full bg-accent" />
        </div>
        <p className="text-sm">
          Downloaded · {formatBytes(state.totalBytes)} ·{" "}
          <Link href="/downloads" className="text-accent underline-offset-2 hover:underline">
            Open Downloads
          </Link>
        </p>
      </div>
    );
  } else if (state && (state.status === "downloading" || state.status === "paused")) {
    body = <DownloadProgress state={state} />;
  } else if (summary) {
    body = (
      <form
        className="space-y-3"
        onSubmit={(e) => {
          e.preventDefault();
          if (height === null) return;
          setSummary(null);
          void downloads().start(videoId, height, saveProgress);
        }}
      >
        <fieldset className="space-y-1">
          <legend className="mb-1 text-sm font-medium">Quality</legend>
          {summary.qualities.map((q) => (
            <label key={q.height} className="flex min-h-11 cursor-pointer items-center gap-3 text-sm pointer-fine:min-h-8">
              <input type="radio" name="quality" value={q.height} checked={height === q.height} onChange={() => setHeight(q.height)} className="accent-accent" />
              <span>{q.height}p</span>
              <span className="text-muted">{formatBytes(q.bytes)}</span>
            </label>
          ))}
        </fieldset>
        <div className="flex gap-2">
          <Button type="submit" size="sm">
            Start download
          </Button>
          <Button size="sm" variant="ghost" onClick={() => setSummary(null)}>
            Close
          </Button>
        </div>
      </form>
    );
  } else {
    body = (
      <Button size="sm" variant="secondary" onClick={() => void open()}>
        Save offline
      </Button>
    );
  }

  const failure = error ?? (state && (state.status === "failed" || state.status === "gone") ? state.note : null);
  return (
    <section aria-label="Download for offline viewing" className="space-y-2 pt-3" data-testid="download-panel">
      {body}
      {failure && <Alert tone="error">{failure}</Alert>}
    </section>
  );
}
