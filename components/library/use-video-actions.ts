"use client";

import { useState, useTransition } from "react";

export type RatingSummary = { average: number; count: number };

/**
 * A viewer's favourite and 1–5 rating of one video, written through the JSON API (the catalog cards and the watch
 * page): each change shows at once and is undone, with a message, when the server refuses it. `onRated` gets the
 * video's new average and count.
 */
export function useVideoActions(videoId: string, initial: { favorite: boolean; rating: number | null }, onRated?: (summary: RatingSummary) => void) {
  const [favorite, setFavorite] = useState(initial.favorite);
  const [rating, setRating] = useState(initial.rating);
  const [error, setError] = useState<string | null>(null);
  const [pending, start] = useTransition();

  const send = async (path: string, method: string, body?: unknown) => {
    const res = await fetch(`/api/videos/${videoId}/${path}`, {
      method,
      headers: body ? { "content-type": "application/json" } : undefined,
      body: body ? JSON.stringify(body) : undefined,
    });
    if (!res.ok) throw new Error(res.status === 401 ? "Sign in again to save this" : "Could not save");
    return res.json();
  };

  const toggleFavorite = () =>
    start(async () => {
      const next = !favorite;
      setFavorite(next);
      try {
        await send("favorite", next ? "PUT" : "DELETE");
        setError(null);
      } catch (e) {
        setFavorite(!next);
        setError((e as Error).message);
      }
    });

  const rate = (value: number) =>
    start(async () => {
      const before = rating;
      setRating(value);
      try {
        const answer: RatingSummary = await send("rating", "PUT", { value });
        onRated?.({ average: answer.average, count: answer.count });
        setError(null);
      } catch (e) {
        setRating(before);
        setError((e as Error).message);
      }
    });

  return { favorite, rating, error, pending, toggleFavorite, rate };
}
