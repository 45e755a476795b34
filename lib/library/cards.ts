// What a video card renders, and nothing more: cards are client components, so every field here is serialised into the
// page's RSC payload once per card. Pure (no server-only imports): the grid maps the JSON pages it loads with it too.
import type { LibraryVideo } from "./queries/video-rows";

export type VideoCardData = Pick<LibraryVideo, "id" | "title" | "status" | "visibility" | "duration" | "viewCount" | "rating" | "poster" | "highlight"> & {
  me: Pick<LibraryVideo["me"], "favorite" | "rating" | "canEdit"> & {
    progress: { fraction: number | null; timeLeft: string | null; finished: boolean } | null;
  };
};

export function toCard(video: LibraryVideo | VideoCardData): VideoCardData {
  const { me, highlight } = video;
  const progress = me.progress && { fraction: me.progress.fraction, timeLeft: me.progress.timeLeft, finished: me.progress.finished };
  return {
    id: video.id,
    title: video.title,
    status: video.status,
    visibility: video.visibility,
    duration: video.duration,
    viewCount: video.viewCount,
    rating: video.rating,
    poster: video.poster,
    ...(highlight && { highlight }),
    me: { favorite: me.favorite, rating: me.rating, canEdit: me.canEdit, progress },
  };
}

/**
 * Cards for one page that lists a video in several places (the home page's rows and grid): one object per video, so
 * React writes each card's data into the RSC payload once and refers to it from the other places.
 */
export function cardMaker(): (video: LibraryVideo) => VideoCardData {
  const made = new Map<string, VideoCardData>();
  return (video) => {
    let card = made.get(video.id);
    if (!card) made.set(video.id, (card = toCard(video)));
    return card;
  };
}
