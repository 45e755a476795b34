"use client";

import { useState } from "react";
import { formatBytes } from "@/lib/offline/rules";
import type { DownloadLink } from "@/lib/videos/downloads";
import { ActionPopover } from "./action-popover";

/**
 * Download: the original file or the MP4, through URLs signed when the menu opens (they expire, so none is in the
 * page's HTML). Shown only to those who may download; the server checks again.
 */
export function DownloadMenu({ videoId }: { videoId: string }) {
  const [files, setFiles] = useState<DownloadLink[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = async () => {
    setError(null);
    setFiles(null);
    const res = await fetch(`/api/videos/${videoId}/download`).catch(() => null);
    const body = res?.ok ? ((await res.json()) as { files: DownloadLink[] }) : null;
    if (body) setFiles(body.files);
    else setError(res ? `Downloads are not available (${res.status})` : "No connection");
  };

  return (
    <ActionPopover
      icon="⤓"
      label="Download"
      panelLabel="Download this video"
      testId="download-button"
      panelTestId="download-menu"
      panelClassName="w-[min(18rem,calc(100vw-2rem))] space-y-1 p-2"
      onOpen={() => void load()}
    >
      {error && <p className="p-2 text-sm text-danger">{error}</p>}
      {!files && !error && <p className="p-2 text-sm text-muted">Preparing links…</p>}
      {files?.length === 0 && <p className="p-2 text-sm text-muted">Nothing to download yet.</p>}
      {files?.map((file) => (
        <a key={file.kind} href={file.url} download className="flex min-h-11 items-center justify-between gap-3 rounded-lg px-3 text-sm hover:bg-panel-2" data-testid={`download-${file.kind}`}>
          <span>{file.label}</span>
          {file.bytes !== null && <span className="text-muted">{formatBytes(file.bytes)}</span>}
        </a>
      ))}
    </ActionPopover>
  );
}
