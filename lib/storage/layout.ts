/**
 * Where each output of a video lives, relative to its folder `media/<videoId>/`. The media
 * server signs and serves these paths as they are; `videos.outputs` records which exist.
 *
 * ```
 * media/<videoId>/
 *   source/                      the uploaded or downloaded original (media-folder videos: a
 *                                symlink to the original, which stays where it is)
 *   mp4/video.mp4                faststart H.264/AAC MP4 (playable first)
 *   hls/master.m3u8              master playlist
 *   hls/v<rung>/index.m3u8       one folder per rung, named by its short side (v240, v720...)
 *   hls/v<rung>/init.mp4         fMP4 init segment
 *   hls/v<rung>/seg00000.m4s     ~4 s fMP4 media segments
 *   thumbs/poster-<width>.webp   poster at several widths
 *   storyboard/storyboard.vtt    scrub-preview index (cues point at sprite#xywh=...)
 *   storyboard/sprite-<n>.webp   sprite sheets
 *   captions/<captionId>.vtt     WebVTT captions (rows in `captions`)
 * ```
 */
export const layout = {
  source: "source",
  mp4: "mp4/video.mp4",
  mp4Dir: "mp4",
  hls: "hls",
  hlsMaster: "hls/master.m3u8",
  hlsVariant: (rung: string) => `hls/v${rung}/index.m3u8`,
  thumbs: "thumbs",
  poster: (width: number) => `thumbs/poster-${width}.webp`,
  storyboard: "storyboard",
  storyboardVtt: "storyboard/storyboard.vtt",
  sprite: (n: number) => `storyboard/sprite-${n}.webp`,
  captions: "captions",
  caption: (id: string) => `captions/${id}.vtt`,
} as const;

/** Where an uploaded or downloaded source lives inside its video folder, from the path recorded on its row. */
export function sourceRelative(sourcePath: string): string {
  return `${layout.source}/${sourcePath.slice(sourcePath.lastIndexOf("/") + 1)}`;
}

/** The top-level folders a job may publish (each replaced as a whole). */
export type PublishedFolder = "mp4" | "hls" | "thumbs" | "storyboard" | "captions";

/** Playlists last, deepest first: whoever can read `master.m3u8` finds every variant and segment it names. */
export function publishOrder(files: string[]): string[] {
  const rank = (f: string) => (f.endsWith(".m3u8") ? 1000 - f.split("/").length : 0);
  return [...files].sort((a, b) => rank(a) - rank(b));
}
