"use client";

import { useCallback, useEffect, useState, useSyncExternalStore } from "react";
import { downloads, type DownloadState } from "@/lib/offline/downloader";
import { listRecords, offlineSupported } from "@/lib/offline/store";
import type { DownloadRecord } from "@/lib/offline/types";

/** The live state of one video's download in this tab (or another tab of the app), if any. */
export function useDownloadState(videoId: string): DownloadState | undefined {
  return useSyncExternalStore(
    (listener) => downloads().subscribe(listener),
    () => downloads().state(videoId),
    () => undefined,
  );
}

/** Changes when this device's offline data was forgotten (a sign-out): what a component read from it is out of date. */
export function useDownloadsGeneration(): number {
  return useSyncExternalStore(
    (listener) => downloads().subscribe(listener),
    () => downloads().generation(),
    () => 0,
  );
}

/** The stored downloads, read again whenever a download changes; null until read (or where offline is unsupported). */
export function useDownloadRecords(): { records: DownloadRecord[] | null; reload: () => void } {
  const [records, setRecords] = useState<DownloadRecord[] | null>(null);
  const reload = useCallback(() => {
    if (offlineSupported()) void listRecords().then(setRecords, () => setRecords([]));
  }, []);
  useEffect(() => {
    reload();
    // Progress ticks come several times a second: the list is read again at most every half second.
    let timer: ReturnType<typeof setTimeout> | null = null;
    const unsubscribe = downloads().subscribe(() => {
      timer ??= setTimeout(() => {
        timer = null;
        reload();
      }, 500);
    });
    return () => {
      unsubscribe();
      if (timer) clearTimeout(timer);
    };
  }, [reload]);
  return { records, reload };
}
