import type { Video } from "@/lib/db/schema";
import type { MediaInfo } from "@/lib/ffmpeg/probe";
import { planLadder, type LadderPlan } from "@/lib/transcode/ladder";

/** The probe's result stored on the row by the probe job. */
export function mediaInfoOf(video: Video): MediaInfo {
  const info = video.probe as MediaInfo | null;
  if (!info?.video || !video.sourcePath) throw new Error("the video has not been probed");
  return info;
}

export function ladderFor(info: MediaInfo): LadderPlan {
  return planLadder({
    displayWidth: info.video.displayWidth, displayHeight: info.video.displayHeight, fps: info.video.fps, vfr: info.video.vfr, hasAudio: info.audio !== undefined,
    audioTracks: info.audioTracks,
  });
}
