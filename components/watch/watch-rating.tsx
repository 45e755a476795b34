"use client";

import { useState } from "react";
import { RatingStars } from "@/components/library/rating-stars";
import { useVideoActions } from "@/components/library/use-video-actions";

type Summary = { average: number | null; count: number };

function summaryText({ average, count }: Summary): string {
  return count > 0 && average !== null ? `${average.toFixed(1)} average from ${count} ${count === 1 ? "rating" : "ratings"}` : "No ratings yet";
}

/**
 * Favourite and 1–5 rating on the watch page, through the same API as the catalog cards, with the video's
 * average and count (updated from the rating answer). Signed-out visitors see the average only.
 */
export function WatchRating({ videoId, favorite, rating, summary, signedIn }: { videoId: string; favorite: boolean; rating: number | null; summary: Summary; signedIn: boolean }) {
  const [totals, setTotals] = useState(summary);
  const { favorite: fav, rating: mine, error, pending, toggleFavorite, rate } = useVideoActions(videoId, { favorite, rating }, setTotals);

  return (
    <div className="flex flex-wrap items-center gap-x-3 gap-y-1" aria-busy={pending} data-testid="watch-rating">
      {signedIn && (
        <button
          type="button"
          onClick={toggleFavorite}
          aria-pressed={fav}
          data-testid="watch-favorite"
          className={`inline-flex min-h-11 items-center gap-1.5 rounded-lg border border-line bg-panel-2 px-3 text-sm hover:border-line-strong pointer-fine:min-h-9 ${fav ? "text-accent" : "text-fg"}`}
        >
          <span aria-hidden>{fav ? "♥" : "♡"}</span>
          {fav ? "Favourite" : "Add to favourites"}
        </button>
      )}
      {signedIn && <RatingStars value={mine} onRate={rate} label="Your rating" className="flex" starClassName="min-h-11 min-w-9 text-xl pointer-fine:min-h-9" testId="watch-rate" />}
      <span className="text-sm text-muted" aria-live="polite" data-testid="rating-summary">
        {!signedIn && totals.count > 0 && <span aria-hidden>★ </span>}
        {summaryText(totals)}
      </span>
      {error && (
        <span role="alert" className="text-sm text-danger">
          {error}
        </span>
      )}
    </div>
  );
}
