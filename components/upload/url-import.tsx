"use client";

import { useEffect, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { UrlForm, useUrlForm } from "@/components/ui/url-form";
import { formatBytes } from "@/lib/uploads/format";
import { VideoStatus } from "./video-status";

type ImportItem = {
  id: string;
  url: string;
  status: "queued" | "downloading" | "done" | "failed" | "cancelled";
  fileName: string | null;
  receivedBytes: number;
  totalBytes: number | null;
  percent: number | null;
  failureReason: string | null;
  videoId: string | null;
};
const POLL_MS = 1500;

async function readError(res: Response): Promise<string> {
  const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
  return body?.error?.message ?? `The server answered HTTP ${res.status}`;
}

const isActive = (item: ImportItem) => item.status === "queued" || item.status === "downloading";

function ImportRow({ item: initial }: { item: ImportItem }) {
  const [item, setItem] = useState(initial);
  const [cancelError, setCancelError] = useState<string | null>(null);
  useEffect(() => {
    if (!isActive(item)) return;
    const timer = setTimeout(async () => {
      const res = await fetch(`/api/imports/${item.id}`, { cache: "no-store" }).catch(() => null);
      if (res?.ok) setItem((await res.json()) as ImportItem);
      else setItem((current) => ({ ...current }));
    }, POLL_MS);
    return () => clearTimeout(timer);
  }, [item]);

  async function cancel() {
    setCancelError(null);
    const res = await fetch(`/api/imports/${item.id}`, { method: "DELETE" }).catch(() => null);
    if (res?.ok) setItem((await res.json()) as ImportItem);
    else setCancelError(res ? await readError(res) : "The connection to the server was lost");
  }

  const percent = item.percent ?? 0;
  return (
    <li className="rounded-xl border border-line bg-panel-2 p-4 text-sm" data-testid="import-item" data-status={item.status}>
      <p className="truncate" title={item.url}>
        {item.fileName ?? item.url}
      </p>
      {isActive(item) ? (
        <>
          <div className="mt-3 h-2 overflow-hidden rounded-full bg-panel" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent}>
            <div className="h-full bg-accent" style={{ width: `${percent}%` }} />
          </div>
          <div className="mt-1 flex items-center justify-between gap-2">
            <p className="text-xs text-muted">
              {item.status === "queued" ? "Waiting for a worker…" : `Downloading · ${formatBytes(item.receivedBytes)}${item.totalBytes ? ` of ${formatBytes(item.totalBytes)}` : ""}`}
            </p>
            <Button variant="ghost" size="sm" onClick={() => void cancel()}>
              Cancel
            </Button>
          </div>
          {cancelError ? <p className="mt-1 text-xs text-danger">{cancelError}</p> : null}
        </>
      ) : null}
      {item.status === "cancelled" ? <p className="mt-1 text-muted">Import cancelled</p> : null}
      {item.status === "failed" ? <p className="mt-1 text-danger">Import failed: {item.failureReason}</p> : null}
      {item.status === "done" && item.videoId ? <VideoStatus videoId={item.videoId} /> : null}
    </li>
  );
}

/** Import a video from a direct link: the server downloads it, then processes it like an upload. */
export function UrlImport() {
  const [items, setItems] = useState<ImportItem[]>([]);
  const { form, error } = useUrlForm<ImportItem>("/api/imports", readError, (item, clear) => {
    setItems((list) => [item, ...list]);
    clear();
  });

  // Imports keep going on the server: after a reload, show the ones still under way.
  useEffect(() => {
    fetch("/api/imports", { cache: "no-store" })
      .then((res) => (res.ok ? (res.json() as Promise<{ imports: ImportItem[] }>) : { imports: [] }))
      .then(({ imports }) => setItems((list) => (list.length > 0 ? list : imports.filter(isActive))))
      .catch(() => undefined);
  }, []);

  return (
    <div className="mt-4 space-y-3">
      <UrlForm {...form} label="Video URL" placeholder="https://example.com/video.mp4" action="Import" />
      {error ? (
        <Alert tone="error" data-testid="import-error">
          {error}
        </Alert>
      ) : null}
      {items.length > 0 ? (
        <ul className="space-y-3">
          {items.map((item) => (
            <ImportRow key={item.id} item={item} />
          ))}
        </ul>
      ) : null}
    </div>
  );
}
