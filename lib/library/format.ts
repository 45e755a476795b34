// Pure helpers shared by server code and client components (no Node or server-only imports).

export const SORTS = ["newest", "oldest", "title", "duration", "views", "rating", "watched", "relevance"] as const;
export type CatalogSort = (typeof SORTS)[number];

export const SORT_LABELS: Record<CatalogSort, string> = {
  newest: "Newest",
  oldest: "Oldest",
  title: "Title",
  duration: "Longest",
  views: "Most viewed",
  rating: "Top rated",
  watched: "Recently watched",
  relevance: "Best match",
};

/** "12 min left", "45 s left", "1 h 5 min left". */
export function timeLeftLabel(positionSeconds: number, durationSeconds: number | null): string | null {
  if (!durationSeconds || durationSeconds <= 0) return null;
  const left = Math.max(0, durationSeconds - positionSeconds);
  if (left < 60) return `${Math.max(1, Math.round(left))} s left`;
  const minutes = Math.round(left / 60);
  if (minutes < 60) return `${minutes} min left`;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return m ? `${h} h ${m} min left` : `${h} h left`;
}

/** 0..1, clamped; null when the duration is unknown. */
export function progressFraction(positionSeconds: number, durationSeconds: number | null): number | null {
  if (!durationSeconds || durationSeconds <= 0) return null;
  return Math.min(1, Math.max(0, positionSeconds / durationSeconds));
}

/** A poster as the browser loads it: signed URLs of the published widths. */
export type PosterImage = { src: string; srcSet: string };

export function compactCount(n: number): string {
  if (n < 1000) return String(n);
  if (n < 1_000_000) return `${(n / 1000).toFixed(n < 10_000 ? 1 : 0).replace(/\.0$/, "")}k`;
  return `${(n / 1_000_000).toFixed(1).replace(/\.0$/, "")}M`;
}
