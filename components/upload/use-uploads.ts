"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import { Upload, defaultOptions, type DetailedError, type PreviousUpload } from "tus-js-client";
import { formatBytes } from "@/lib/uploads/format";
import { notVideoReason } from "@/lib/uploads/names";

export const UPLOAD_ENDPOINT = "/api/uploads";
const VIDEO_ID_HEADER = "Reel-Video-Id";
/** Keeps retrying for about two minutes: long enough to ride out a server restart. */
const RETRY_DELAYS = [0, 1000, 3000, 5000, 10_000, 20_000, 30_000, 30_000, 30_000];
const SPEED_WINDOW_MS = 5000;

export type UploadPhase = "refused" | "uploading" | "paused" | "error" | "done";

export type UploadEntry = {
  key: string;
  name: string;
  size: number;
  phase: UploadPhase;
  sent: number;
  /** Bytes per second over the last few seconds. */
  speed: number | null;
  etaSeconds: number | null;
  /** Set when this upload continued one started earlier (another tab, before a restart...). */
  resumedFrom: number | null;
  message: string | null;
  videoId: string | null;
};

function errorMessage(error: Error | DetailedError): string {
  const response = "originalResponse" in error ? error.originalResponse : null;
  if (response) {
    const status = response.getStatus();
    const body = response.getBody()?.trim();
    let text = body;
    try {
      text = (JSON.parse(body) as { error?: { message?: string } }).error?.message ?? body;
    } catch {
      // tus answers plain text
    }
    if (status === 401) return "Your session has expired: sign in again, then retry";
    return text ? `${text} (HTTP ${status})` : `The server answered HTTP ${status}`;
  }
  return "The connection to the server was lost";
}

/**
 * Drives one tus upload per file: progress, speed, pause/resume/retry, resume across reloads. Each request
 * carries at most `chunkBytes` (REEL_UPLOAD_CHUNK_BYTES).
 */
export function useUploads(maxBytes: number, chunkBytes: number) {
  const [entries, setEntries] = useState<UploadEntry[]>([]);
  const [previous, setPrevious] = useState<PreviousUpload[]>([]);
  const uploads = useRef(new Map<string, Upload>());
  const samples = useRef(new Map<string, { t: number; bytes: number }[]>());

  const refreshPrevious = useCallback(() => {
    defaultOptions.urlStorage
      .findAllUploads()
      .then(setPrevious)
      .catch(() => setPrevious([]));
  }, []);
  useEffect(refreshPrevious, [refreshPrevious]);

  const update = useCallback((key: string, patch: Partial<UploadEntry>) => {
    setEntries((list) => list.map((e) => (e.key === key ? { ...e, ...patch } : e)));
  }, []);

  const start = useCallback(
    async (key: string, upload: Upload, fresh: boolean) => {
      if (fresh) {
        const earlier = await upload.findPreviousUploads();
        if (earlier.length > 0) {
          upload.resumeFromPreviousUpload(earlier[0]);
          update(key, { resumedFrom: earlier[0].size });
        }
      }
      samples.current.set(key, []);
      update(key, { phase: "uploading", message: null, speed: null, etaSeconds: null });
      upload.start();
    },
    [update],
  );

  const addFiles = useCallback(
    (files: Iterable<File>) => {
      for (const file of files) {
        const key = `${file.name}:${file.size}:${file.lastModified}:${Math.random().toString(36).slice(2)}`;
        const base: UploadEntry = { key, name: file.name, size: file.size, phase: "uploading", sent: 0, speed: null, etaSeconds: null, resumedFrom: null, message: null, videoId: null };
        const refused = notVideoReason(file) ?? (file.size > maxBytes ? `The file is larger than the upload limit of ${formatBytes(maxBytes)}` : null);
        if (refused) {
          setEntries((list) => [...list, { ...base, phase: "refused", message: refused }]);
          continue;
        }
        const upload = new Upload(file, {
          endpoint: UPLOAD_ENDPOINT,
          chunkSize: chunkBytes,
          retryDelays: RETRY_DELAYS,
          metadata: { filename: file.name, filetype: file.type },
          removeFingerprintOnSuccess: true,
          onProgress(sent, total) {
            const now = Date.now();
            const list = (samples.current.get(key) ?? []).filter((s) => now - s.t <= SPEED_WINDOW_MS);
            list.push({ t: now, bytes: sent });
            samples.current.set(key, list);
            const first = list[0];
            const speed = now - first.t >= 500 ? ((sent - first.bytes) * 1000) / (now - first.t) : null;
            update(key, { sent, speed, etaSeconds: speed && speed > 0 ? (total - sent) / speed : null });
          },
          onSuccess({ lastResponse }) {
            update(key, { phase: "done", sent: file.size, speed: null, etaSeconds: 0, videoId: lastResponse.getHeader(VIDEO_ID_HEADER) ?? null });
            uploads.current.delete(key);
            refreshPrevious();
          },
          onError(error) {
            update(key, { phase: "error", speed: null, etaSeconds: null, message: errorMessage(error) });
          },
          onShouldRetry(error, attempt, options) {
            const status = error.originalResponse?.getStatus() ?? 0;
            // Authorisation and size refusals will not change by retrying; disk space and restarts may.
            if ([401, 403, 404, 410, 413].includes(status)) return false;
            return attempt < (options.retryDelays?.length ?? 0);
          },
        });
        uploads.current.set(key, upload);
        setEntries((list) => [...list, base]);
        void start(key, upload, true);
      }
    },
    [maxBytes, chunkBytes, refreshPrevious, start, update],
  );

  const pause = useCallback(
    (key: string) => {
      void uploads.current.get(key)?.abort();
      update(key, { phase: "paused", speed: null, etaSeconds: null });
    },
    [update],
  );

  const resume = useCallback(
    (key: string) => {
      const upload = uploads.current.get(key);
      if (upload) void start(key, upload, false);
    },
    [start],
  );

  const cancel = useCallback((key: string) => {
    const upload = uploads.current.get(key);
    uploads.current.delete(key);
    setEntries((list) => list.filter((e) => e.key !== key));
    // Terminating deletes the partial upload on the server and forgets it locally.
    void upload?.abort(true).catch(() => undefined);
  }, []);

  const dismiss = useCallback((key: string) => setEntries((list) => list.filter((e) => e.key !== key)), []);

  const forgetPrevious = useCallback(
    async (item: PreviousUpload) => {
      await defaultOptions.urlStorage.removeUpload(item.urlStorageKey);
      if (item.uploadUrl) await Upload.terminate(item.uploadUrl).catch(() => undefined);
      refreshPrevious();
    },
    [refreshPrevious],
  );

  const active = new Set(entries.filter((e) => e.phase !== "done").map((e) => e.name));
  return {
    entries,
    previous: previous.filter((p) => !active.has(p.metadata?.filename ?? "")),
    addFiles,
    pause,
    resume,
    retry: resume,
    cancel,
    dismiss,
    forgetPrevious,
  };
}
