"use client";

import Link from "next/link";
import { useEffect, useRef, useState } from "react";
import type { LibraryVideo } from "@/lib/library/queries/video-rows";
import { formatTime } from "@/lib/playback/shortcuts";
import { Alert } from "@/components/ui/alert";
import { Button, ButtonLink } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
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
      <PageHeader
        title="History"
        description="What you watched, most recent first."
        actions={
          items.length > 0 && (
            <Button variant="danger" size="sm" onClick={() => dialog.current?.showModal()} data-testid="history-clear">
              Clear all
            </Button>
          )
        }
      />
      {error && (
        <Alert tone="error" className="mb-4">
          {error}
        </Alert>
      )}
      {items.length === 0 ? (
        <EmptyState title="Nothing watched yet" description="Videos you watch show up here." action={<ButtonLink href="/videos">Browse videos</ButtonLink>} />
      ) : (
        <ul className="flex flex-col divide-y divide-line" data-testid="history-list">
          {items.map((v) => {
            const p = v.me.progress;
            return (
              <li key={v.id} className="flex items-center gap-3 py-3" data-testid="history-item" data-video-id={v.id}>
                {/* A pointer target only: the title's link below is the one keyboards and screen readers use. */}
                <Link href={`/watch/${v.id}`} className="relative aspect-video w-32 shrink-0 overflow-hidden rounded-lg bg-panel-2 sm:w-44" tabIndex={-1} aria-hidden>
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
                    {v.duration ? ` · ${formatTime(v.duration)}` : ""}
                  </p>
                </div>
                <Button variant="ghost" size="icon" onClick={() => remove(v.id)} aria-label={`Remove ${v.title} from history`} data-testid="history-remove">
                  <span aria-hidden>✕</span>
                </Button>
              </li>
            );
          })}
        </ul>
      )}
      <div ref={sentinel} />
      <dialog ref={dialog} className="m-auto max-w-md rounded-xl border border-line bg-panel p-6 text-fg backdrop:bg-black/70" aria-labelledby="clear-history-title">
        <h2 id="clear-history-title" className="text-lg font-semibold">
          Clear your whole history?
        </h2>
        <p className="mt-2 text-sm text-muted">Resume positions and Continue Watching are cleared too. This cannot be undone.</p>
        <div className="mt-5 flex justify-end gap-2">
          <Button variant="ghost" onClick={() => dialog.current?.close()}>
            Cancel
          </Button>
          <Button variant="danger" onClick={clearAll} data-testid="history-clear-confirm">
            Clear history
          </Button>
        </div>
      </dialog>
    </>
  );
}
