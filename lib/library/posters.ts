import { mediaBase } from "@/lib/media/urls";
import type { PosterImage } from "./format";

/** Long enough for a page left open; media URLs expire on a grid, so reloads reuse cached posters. */
const POSTER_TTL_SECONDS = 6 * 3600;

/**
 * Signed poster URLs for lists (`thumbs/poster-<w>.webp` for each published width): one token per video,
 * `srcset` with width descriptors so the browser picks the size the card needs.
 */
export function posterImage(videoId: string, widths: number[]): PosterImage | null {
  if (!widths.length) return null;
  const { base } = mediaBase(videoId, { ttlSeconds: POSTER_TTL_SECONDS });
  const url = (w: number) => `${base}thumbs/poster-${w}.webp`;
  const fallback = widths.find((w) => w >= 640) ?? widths.at(-1)!;
  return { src: url(fallback), srcSet: widths.map((w) => `${url(w)} ${w}w`).join(", ") };
}
