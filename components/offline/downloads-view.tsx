"use client";

import { useEffect, useState } from "react";
import { Player } from "@/components/player/player";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { downloads } from "@/lib/offline/downloader";
import { formatBytes } from "@/lib/offline/rules";
import { offlineSource } from "@/lib/offline/source";
import { mediaKey, readPosition, storedChapters } from "@/lib/offline/store";
import type { DownloadRecord } from "@/lib/offline/types";
import type { PlayerSource } from "@/lib/playback/types";
import { DownloadProgress } from "./download-progress";
import { useDownloadRecords, useDownloadState } from "./use-downloads";

function Row({ record, position, onPlay }: { record: DownloadRecord; position: number | null; onPlay: () => void }) {
  const live = useDownloadState(record.videoId);
  const status = live?.status ?? record.status;
  const watched = record.duration && position !== null ? Math.min(100, Math.round((position / record.duration) * 100)) : 0;
  return (
    <li className="flex gap-3 rounded-lg border border-line bg-panel p-3" data-testid="download-row" data-download-status={status}>
      <div className="relative aspect-video w-32 shrink-0 overflow-hidden rounded bg-black sm:w-44">
        {/* eslint-disable-next-line @next/next/no-img-element -- served by the service worker from Cache Storage */}
        {record.posterRel && status !== "gone" && <img src={mediaKey(record.videoId, record.posterRel)} alt="" className="h-full w-full object-cover" />}
        {watched > 0 && (
          <div className="absolute inset-x-0 bottom-0 h-1 bg-white/20" aria-hidden>
            <div className="h-full bg-accent" style={{ width: `${watched}%` }} />
          </div>
        )}
      </div>
      <div className="min-w-0 flex-1 space-y-1">
        <h2 className="truncate text-sm font-semibold">{record.title}</h2>
        <p className="text-xs text-muted">
          {record.height}p · {formatBytes(record.totalBytes)}
          {record.completedAt && ` · ${new Date(record.completedAt).toLocaleDateString()}`}
          {watched > 0 && ` · ${watched}% watched`}
        </p>
        {status === "gone" && record.note && <p className="text-xs text-warning">{record.note}</p>}
        {live && (live.status === "downloading" || live.status === "paused") ? (
          <DownloadProgress state={live} />
        ) : (
          record.status !== "complete" && status !== "complete" && status !== "gone" && <DownloadProgress state={{ videoId: record.videoId, status: record.status, storedBytes: 0, totalBytes: record.totalBytes, bytesPerSecond: null, note: record.note }} />
        )}
        <div className="flex gap-2 pt-1">
          {status === "complete" && (
            <Button size="sm" onClick={onPlay}>
              Play
            </Button>
          )}
          <Button size="sm" variant="danger" onClick={() => void downloads().remove(record.videoId)}>
            Delete
          </Button>
        </div>
      </div>
    </li>
  );
}

/**
 * The downloads this device holds, from Cache Storage: works offline, as the service worker keeps this page. Play
 * opens the same Player as the watch page on the stored files.
 */
export function DownloadsView() {
  const { records } = useDownloadRecords();
  const [positions, setPositions] = useState<Record<string, number | null>>({});
  const [playing, setPlaying] = useState<PlayerSource | null>(null);
  const [usage, setUsage] = useState<{ usage?: number; quota?: number } | null>(null);

  useEffect(() => {
    if (!records) return;
    void Promise.all(records.map(async (r) => [r.videoId, await readPosition(r.videoId)] as const)).then((entries) => setPositions(Object.fromEntries(entries)));
    void navigator.storage?.estimate?.().then(setUsage, () => {});
  }, [records, playing]);

  if (records === null) return <p className="text-sm text-muted">Reading downloads…</p>;
  const total = records.reduce((n, r) => n + (r.status === "gone" ? 0 : r.totalBytes), 0);
  return (
    <div className="space-y-6">
      {playing && (
        <div className="space-y-2">
          <Player key={playing.videoId} source={playing} />
          <div className="flex items-center justify-between gap-2">
            <h2 className="truncate font-semibold">{playing.title}</h2>
            <Button size="sm" variant="ghost" onClick={() => setPlaying(null)}>
              Close
            </Button>
          </div>
        </div>
      )}
      <p className="text-sm text-muted" data-testid="downloads-total">
        {records.length} {records.length === 1 ? "video" : "videos"} · {formatBytes(total)} used
        {usage?.quota ? ` · ${formatBytes(Math.max(0, usage.quota - (usage.usage ?? 0)))} free on this device` : ""}
      </p>
      {records.length === 0 ? (
        <EmptyState title="No downloads yet" description="Use Download under a video to keep it on this device and watch it without a connection." />
      ) : (
        <ul className="space-y-3">
          {records.map((r) => (
            <Row key={r.videoId} record={r} position={positions[r.videoId] ?? null} onPlay={() => void storedChapters(r).then((chapters) => setPlaying(offlineSource(r, positions[r.videoId] ?? null, chapters)))} />
          ))}
        </ul>
      )}
      {typeof navigator !== "undefined" && !("serviceWorker" in navigator) && <Alert tone="warning">This browser cannot keep videos for offline viewing.</Alert>}
    </div>
  );
}
