import type { Viewer } from "@/lib/auth/viewer";
import type { Caption, Video } from "@/lib/db/schema";
import { signedPlayback } from "@/lib/media/urls";
import { canManage } from "./access";
import { chaptersOf } from "./chapters";
import { outputsOf } from "./outputs";

/**
 * The JSON a client sees for one video: its details, processing state and progress, and signed
 * URLs of whatever is published so far (`playback.mp4` once playable, `playback.hls` once the
 * ladder is done).
 */
export function videoView(video: Video, viewer: Viewer | null, captions: Caption[] = []) {
  const outputs = outputsOf(video.outputs);
  const signed = signedPlayback(video, captions);
  return {
    id: video.id,
    title: video.title,
    description: video.description,
    tags: video.tags,
    visibility: video.visibility,
    ownerId: video.ownerId,
    status: video.status,
    progress: video.progress ?? null,
    failureReason: video.failureReason,
    duration: video.duration,
    width: video.width,
    height: video.height,
    fps: video.fps,
    size: video.size,
    createdAt: video.createdAt,
    readyAt: video.readyAt,
    outputs: {
      mp4: outputs.mp4 === true,
      hls: outputs.hls ?? [],
      poster: outputs.poster ?? [],
      storyboard: outputs.storyboard === true,
      captions: captions.length,
      warnings: outputs.warnings ?? {},
    },
    playback: { mp4: signed.mp4, hls: signed.hls, expiresAt: signed.expiresAt },
    posters: signed.posters,
    storyboard: signed.storyboard,
    captions: signed.captions,
    chapters: chaptersOf(video),
    /** Alternate audio renditions of the HLS ladder (in its order); empty when the video has at most one audio track. */
    audioTracks: outputs.audio ?? [],
    canManage: canManage(viewer, video),
  };
}

export type VideoView = ReturnType<typeof videoView>;
