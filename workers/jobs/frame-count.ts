import type { FfmpegProgress } from "@/lib/ffmpeg/progress";
import { PermanentJobError } from "./types";

/**
 * ffmpeg exits 0 having written no video frame when none of the source's can be used (a damaged
 * video track whose every sample is undecodable, or whose keyframe flags are gone, copies as
 * nothing): the result would be a "ready" video without a picture. Wraps a run's progress
 * callback and refuses such a result for good, since no retry will find a picture.
 */
export function requireFrames(forward: (progress: FfmpegProgress) => void) {
  let frames = 0;
  return {
    onProgress(progress: FfmpegProgress) {
      frames = Math.max(frames, progress.frame ?? 0);
      forward(progress);
    },
    check() {
      if (frames === 0) throw new PermanentJobError("The video stream has no picture that can be decoded (the file is probably damaged)");
    },
  };
}
