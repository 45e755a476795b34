"use client";

import Link from "next/link";
import { useEffect, useRef, useState } from "react";
import type { LibraryVideo } from "@/lib/library/queries";
import { formatDuration } from "@/lib/library/format";
import { EmptyState } from "./empty-state";
import { Poster } from "./poster";


const when = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

/** Watch history, most recent first: remove one entry, or clear everything after a confirmation. */
export function HistoryList({ initial, nextCursor, limit }: { initial: LibraryVideo[]; nextCursor: string | null; limit: number }) {
  const [items, setItems] = useState(initial);
  const [cursor, setCursor] = useState(nextCursor);
  const [error, setError] = useState<string | null>(null);
  const dialog = useRef<HTMLDialogElement>(null);
  const sentinel = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const node = sentinel.current;
    if (!node || !cursor) return;
    const observer = new IntersectionObserver(async (entries) => {
      if (!entries.some((e) => e.isIntersecting)) return;
      observer.disconnect();
      const res = await fetch(`/api/history?limit=${limit}&cursor=${encodeURIComponent(cursor)}`);
      if (!res.ok) return setError("Could not load more history");
      const page = (await res.json()) as { items: LibraryVideo[]; nextCursor: string | null };
      setItems((prev) => [...prev, ...page.items.filter((v) => !prev.some((p) => p.id === v.id))]);
      setCursor(page.nextCursor);
    });
    observer.observe(node);
    return () => observer.disconnect();
  }, [cursor, limit]);

  const remove = async (id: string) => {
    const res = await fetch(`/api/history/${id}`, { method: "DELETE" });
    if (!res.ok) return setError("Could not remove it, try again");
    setError(null);
    setItems((prev) => prev.filter((v) => v.id !== id));
  };

  const clearAll = async () => {
    dialog.current?.close();
    const res = await fetch("/api/history", { method: "DELETE" });
    if (!res.ok) return setError("Could not clear the history, try again");
    setError(null);
    setItems([]);
    setCursor(null);
  };

  return (
    <>
      <div className="flex items-center justify-between gap-4">
        <h1 className="text-2xl font-semibold">History</h1>
        {items.length > 0 && (
          <button
            type="button"
            onClick={() => dialog.current?.showModal()}
            className="rounded-md border border-white/15 px-3 py-1.5 text-sm hover:border-red-500 hover:text-red-400"
            data-testid="history-clear"
          >
            Clear all
          </button>
        )}
      </div>
      {error && (
        <p role="alert" className="rounded bg-red-900/60 px-3 py-2 text-sm">
          {error}
        </p>
      )}
      {items.length === 0 ? (
        <EmptyState title="Nothing watched yet" body="Videos you watch show up here." action={{ href: "/videos", label: "Browse videos" }} />
      ) : (
        <ul className="flex flex-col divide-y divide-white/5" data-testid="history-list">
          {items.map((v) => {
            const p = v.me.progress;
            return (
              <li key={v.id} className="flex items-center gap-3 py-3" data-testid="history-item" data-video-id={v.id}>
                <Link href={`/watch/${v.id}`} className="relative aspect-video w-32 shrink-0 overflow-hidden rounded bg-panel sm:w-44">
                  <Poster title={v.title} poster={v.poster} sizes="176px" />
                  {p && p.fraction !== null && (
                    <span className="absolute inset-x-0 bottom-0 h-1 bg-white/25">
                      <span className="block h-full bg-accent" style={{ width: `${Math.round((p.finished ? 1 : p.fraction) * 100)}%` }} />
                    </span>
                  )}
                </Link>
                <div className="min-w-0 flex-1">
                  <Link href={`/watch/${v.id}`} className="line-clamp-2 font-medium hover:underline">
                    {v.title}
                  </Link>
                  <p className="mt-1 text-xs text-muted">
                    {p && (
                      // The server renders in its own time zone; the browser re-renders in the viewer's.
                      <time dateTime={p.watchedAt} suppressHydrationWarning>
                        {when.format(new Date(p.watchedAt))}
                      </time>
                    )}
                    {p && (p.finished ? " · watched" : p.timeLeft ? ` · ${p.timeLeft}` : "")}
                    {v.duration ? ` · ${formatDuration(v.duration)}` : ""}
                  </p>
                </div>
                <button
                  type="button"
                  onClick={() => remove(v.id)}
                  aria-label={`Remove ${v.title} from history`}
                  className="rounded p-2 text-muted hover:bg-white/10 hover:text-white"
                  data-testid="history-remove"
                >
                  ✕
                </button>
              </li>
            );
          })}
        </ul>
      )}
      <div ref={sentinel} />
      <dialog ref={dialog} className="m-auto rounded-lg bg-neutral-900 p-6 text-neutral-100 backdrop:bg-black/70" aria-labelledby="clear-history-title">
        <h2 id="clear-history-title" className="text-lg font-semibold">
          Clear your whole history?
        </h2>
        <p className="mt-2 text-sm text-muted">Resume positions and Continue Watching are cleared too. This cannot be undone.</p>
        <div className="mt-5 flex justify-end gap-2">
          <button type="button" onClick={() => dialog.current?.close()} className="rounded-md px-3 py-1.5 text-sm hover:bg-white/10">
            Cancel
          </button>
          <button type="button" onClick={clearAll} className="rounded-md bg-red-700 px-3 py-1.5 text-sm font-semibold hover:bg-red-600" data-testid="history-clear-confirm">
            Clear history
          </button>
        </div>
      </dialog>
    </>
  );
}
