"use client";

import { useEffect, useRef, useState } from "react";
import { toCard, type VideoCardData } from "@/lib/library/cards";
import type { LibraryVideo } from "@/lib/library/queries/video-rows";
import { VideoCard } from "./video-card";

/**
 * The catalog grid with infinite scroll: the server renders the first page; further pages come from
 * `endpoint` (a JSON list answering `{ items, nextCursor }`) with the opaque cursor when the sentinel
 * scrolls into view. Give it a `key` of the query so a new search starts from a fresh first page.
 */
export function VideoGrid({
  initial,
  nextCursor,
  endpoint,
  signedIn,
  empty,
}: {
  initial: VideoCardData[];
  nextCursor: string | null;
  /** URL of the list with the current filters, without cursor. */
  endpoint: string;
  signedIn: boolean;
  empty?: React.ReactNode;
}) {
  const [items, setItems] = useState(initial);
  const [cursor, setCursor] = useState(nextCursor);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState(false);
  const sentinel = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const node = sentinel.current;
    if (!node || !cursor || loading || error) return;
    const observer = new IntersectionObserver(
      async (entries) => {
        if (!entries.some((e) => e.isIntersecting)) return;
        observer.disconnect();
        setLoading(true);
        try {
          const url = `${endpoint}${endpoint.includes("?") ? "&" : "?"}cursor=${encodeURIComponent(cursor)}`;
          const res = await fetch(url, { headers: { accept: "application/json" } });
          if (!res.ok) throw new Error(String(res.status));
          const page = (await res.json()) as { items: LibraryVideo[]; nextCursor: string | null };
          setItems((prev) => {
            const seen = new Set(prev.map((v) => v.id));
            return [...prev, ...page.items.filter((v) => !seen.has(v.id)).map(toCard)];
          });
          setCursor(page.nextCursor);
        } catch {
          setError(true);
        } finally {
          setLoading(false);
        }
      },
      { rootMargin: "800px 0px" },
    );
    observer.observe(node);
    return () => observer.disconnect();
  }, [cursor, endpoint, loading, error]);

  if (!items.length) return <>{empty}</>;
  return (
    <>
      <ul className="grid grid-cols-2 gap-x-3 gap-y-6 sm:grid-cols-3 lg:grid-cols-4 xl:grid-cols-5 2xl:grid-cols-6" data-testid="video-grid">
        {items.map((video, i) => (
          <li key={video.id}>
            <VideoCard video={video} signedIn={signedIn} eager={i < 6} />
          </li>
        ))}
      </ul>
      <div ref={sentinel} className="flex h-16 items-center justify-center text-sm text-muted" aria-live="polite">
        {loading && "Loading more…"}
        {error && (
          <button type="button" className="rounded-lg border border-line bg-panel-2 px-3 py-1.5 hover:border-line-strong" onClick={() => setError(false)}>
            Could not load more — retry
          </button>
        )}
      </div>
    </>
  );
}
