"use client";

import { useState } from "react";
import { RatingStars } from "./rating-stars";
import { useVideoActions } from "./use-video-actions";

/** Favourite toggle and 1–5 rating for one video; writes through the JSON API and keeps the answer. */
export function CardActions({ videoId, favorite, rating, title }: { videoId: string; favorite: boolean; rating: number | null; title: string }) {
  const [open, setOpen] = useState(false);
  const { favorite: fav, rating: mine, error, pending, toggleFavorite, rate: saveRating } = useVideoActions(videoId, { favorite, rating });
  const rate = (value: number) => {
    setOpen(false);
    saveRating(value);
  };

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
        <RatingStars
          value={mine}
          onRate={rate}
          label="Rate 1 to 5"
          className="absolute top-full right-0 z-20 mt-1 flex rounded-lg border border-line bg-panel-2 p-1 shadow-lg"
          starClassName="px-1.5 py-1 text-lg"
        />
      )}
      {error && (
        <span role="alert" className="absolute top-full right-0 z-20 mt-1 rounded bg-danger-bg px-2 py-1 text-xs whitespace-nowrap text-danger">
          {error}
        </span>
      )}
    </div>
  );
}
