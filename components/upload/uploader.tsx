"use client";

import { useId, useState } from "react";
import { Button } from "@/components/ui/button";
import { UploadIcon } from "@/components/ui/icons";
import { formatBytes } from "@/lib/uploads/format";
import { VIDEO_EXTENSIONS } from "@/lib/uploads/names";
import { UploadItem } from "./upload-item";
import { useUploads } from "./use-uploads";

const ACCEPT = ["video/*", ...VIDEO_EXTENSIONS.map((e) => `.${e}`)].join(",");

/** Drop zone + file picker; one resumable upload per file. */
export function Uploader({ maxBytes, chunkBytes }: { maxBytes: number; chunkBytes: number }) {
  const inputId = useId();
  const [over, setOver] = useState(false);
  const uploads = useUploads(maxBytes, chunkBytes);

  return (
    <section className="space-y-4" aria-label="Upload files">
      <label
        htmlFor={inputId}
        data-testid="upload-dropzone"
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={(e) => {
          e.preventDefault();
          setOver(false);
          uploads.addFiles(Array.from(e.dataTransfer.files));
        }}
        className={`flex cursor-pointer flex-col items-center justify-center rounded-xl border-2 border-dashed px-6 py-12 text-center transition-colors ${
          over ? "border-accent bg-accent/10" : "border-line-strong hover:border-muted"
        }`}
      >
        <UploadIcon aria-hidden className="mb-3 size-8 text-muted" />
        <span className="text-lg font-medium">Drop videos here</span>
        <span className="mt-1 text-sm text-muted">or click to choose files · up to {formatBytes(maxBytes)} each · uploads resume if interrupted</span>
      </label>
      <input
        id={inputId}
        type="file"
        multiple
        accept={ACCEPT}
        className="sr-only"
        data-testid="upload-input"
        onChange={(e) => {
          uploads.addFiles(Array.from(e.target.files ?? []));
          e.target.value = "";
        }}
      />

      {uploads.previous.length > 0 ? (
        <div className="rounded-xl border border-line bg-panel p-4 text-sm" data-testid="unfinished-uploads">
          <p className="text-muted">Unfinished uploads from earlier — add the same file again to continue where it stopped:</p>
          <ul className="mt-2 space-y-1">
            {uploads.previous.map((p) => (
              <li key={p.urlStorageKey} className="flex items-center justify-between gap-3">
                <span className="truncate">
                  {p.metadata?.filename ?? "unnamed"} {p.size ? `(${formatBytes(p.size)})` : ""}
                </span>
                <Button variant="ghost" size="sm" onClick={() => void uploads.forgetPrevious(p)}>
                  Discard
                </Button>
              </li>
            ))}
          </ul>
        </div>
      ) : null}

      {uploads.entries.length > 0 ? (
        <ul className="space-y-3" data-testid="upload-list">
          {uploads.entries.map((entry) => (
            <UploadItem key={entry.key} entry={entry} actions={uploads} />
          ))}
        </ul>
      ) : null}
    </section>
  );
}
