import "server-only";
import type { Viewer } from "@/lib/auth/viewer";
import { AppError } from "@/lib/errors";
import { signedPlayback } from "@/lib/media/urls";
import { findViewable } from "./access";
import { captionsOf } from "./captions";
import { chaptersOf } from "./chapters";
import { embeddable, embedIframe, embedPage, embedSize, videoIdFromUrl } from "./embed";

/** The video, when this viewer may watch it and it may be embedded; the same 404 otherwise (private stays secret). */
async function requireEmbeddable(viewer: Viewer | null, videoId: string) {
  const video = await findViewable(viewer, videoId);
  if (!video || !embeddable(video)) throw new AppError("not_found", "No such video");
  return video;
}

/** The HTML of /embed/<id>. */
export async function embedPlayerHtml(viewer: Viewer | null, videoId: string): Promise<string> {
  const video = await requireEmbeddable(viewer, videoId);
  const signed = signedPlayback(video, await captionsOf(video.id));
  if (!signed.mp4) throw new AppError("not_found", "This video is not ready to play yet");
  return embedPage({
    title: video.title,
    src: signed.mp4,
    poster: signed.posters.at(-1)?.url ?? null,
    captions: signed.captions.map((c) => ({ src: c.url, lang: c.lang, label: c.label })),
    chapters: chaptersOf(video).length && video.duration ? `/api/videos/${video.id}/chapters` : null,
    watchUrl: `/watch/${video.id}`,
  });
}

export type OembedQuery = { url: string; maxwidth?: number; maxheight?: number };

/** The oEmbed answer (https://oembed.com, type "video") for a watch or embed URL of this Reel. */
export async function oembedFor(viewer: Viewer | null, query: OembedQuery, origin: string) {
  const id = videoIdFromUrl(query.url, origin);
  if (!id) throw new AppError("not_found", "Not the address of a video on this site");
  const video = await requireEmbeddable(viewer, id);
  const aspect = video.width && video.height ? (video.rotation === 90 || video.rotation === 270 ? video.height / video.width : video.width / video.height) : 16 / 9;
  const size = embedSize(aspect, query.maxwidth, query.maxheight);
  const poster = signedPlayback(video).posters.at(-1);
  return {
    version: "1.0",
    type: "video",
    provider_name: "Reel",
    provider_url: `${origin}/`,
    title: video.title,
    html: embedIframe(origin, video.id, video.title, size),
    width: size.width,
    height: size.height,
    ...(poster && { thumbnail_url: `${origin}${poster.url}`, thumbnail_width: poster.width, thumbnail_height: Math.round(poster.width / aspect) }),
  };
}
