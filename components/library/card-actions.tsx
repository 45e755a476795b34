"use client";

import { useState, useTransition } from "react";

/** Favourite toggle and 1–5 rating for one video; writes through the JSON API and keeps the answer. */
export function CardActions({ videoId, favorite, rating, title }: { videoId: string; favorite: boolean; rating: number | null; title: string }) {
  const [fav, setFav] = useState(favorite);
  const [mine, setMine] = useState(rating);
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [pending, start] = useTransition();

  const send = (path: string, method: string, body?: unknown) =>
    fetch(`/api/videos/${videoId}/${path}`, {
      method,
      headers: body ? { "content-type": "application/json" } : undefined,
      body: body ? JSON.stringify(body) : undefined,
    }).then((r) => {
      if (!r.ok) throw new Error(r.status === 401 ? "Sign in again" : "Could not save");
      return r.json();
    });

  const toggleFavorite = () =>
    start(async () => {
      const next = !fav;
      setFav(next);
      try {
        await send("favorite", next ? "PUT" : "DELETE");
        setError(null);
      } catch (e) {
        setFav(!next);
        setError((e as Error).message);
      }
    });

  const rate = (value: number) =>
    start(async () => {
      const before = mine;
      setMine(value);
      setOpen(false);
      try {
        await send("rating", "PUT", { value });
        setError(null);
      } catch (e) {
        setMine(before);
        setError((e as Error).message);
      }
    });

  return (
    <div className="relative flex shrink-0 items-center gap-0.5" aria-busy={pending}>
      <button
        type="button"
        onClick={toggleFavorite}
        aria-pressed={fav}
        aria-label={fav ? `Remove ${title} from favourites` : `Add ${title} to favourites`}
        data-testid="favorite-button"
        className={`rounded px-1.5 py-1 text-base leading-none hover:bg-panel-2 ${fav ? "text-accent" : "text-muted"}`}
      >
        {fav ? "♥" : "♡"}
      </button>
      <button
        type="button"
        onClick={() => setOpen((o) => !o)}
        aria-expanded={open}
        aria-label={mine ? `Your rating: ${mine} of 5. Change it` : `Rate ${title}`}
        data-testid="rating-button"
        className={`rounded px-1.5 py-1 text-sm leading-none tabular-nums hover:bg-panel-2 ${mine ? "text-warning" : "text-muted"}`}
      >
        ★{mine ?? ""}
      </button>
      {open && (
        <div role="group" aria-label="Rate 1 to 5" className="absolute top-full right-0 z-20 mt-1 flex rounded-lg border border-line bg-panel-2 p-1 shadow-lg">
          {[1, 2, 3, 4, 5].map((v) => (
            <button
              key={v}
              type="button"
              onClick={() => rate(v)}
              aria-label={`${v} star${v > 1 ? "s" : ""}`}
              className={`px-1.5 py-1 text-lg leading-none hover:scale-110 ${mine && v <= mine ? "text-warning" : "text-muted"}`}
            >
              ★
            </button>
          ))}
        </div>
      )}
      {error && (
        <span role="alert" className="absolute top-full right-0 z-20 mt-1 rounded bg-danger-bg px-2 py-1 text-xs whitespace-nowrap text-danger">
          {error}
        </span>
      )}
    </div>
  );
}
