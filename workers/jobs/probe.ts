import { probeMedia, ProbeError } from "@/lib/ffmpeg/probe";
import { localStorage, storage } from "@/lib/storage";
import { completeStep } from "@/lib/videos/pipeline";
import { PermanentJobError, type JobDefinition } from "./types";

/**
 * The gate: ffprobe the source before any other work. A refused file fails the video with a
 * human reason and nothing else is touched; an accepted one has its metadata stored and its
 * faststart MP4 queued.
 */
export const probeJob: JobDefinition<"probe"> = {
  name: "probe",
  policy: { retryLimit: 2, retryDelay: 5, retryBackoff: true, expireInSeconds: 300, heartbeatSeconds: 10, concurrency: 4 },
  async run({ videoId }, { video, source: sourceFile }) {
    if (!video.sourcePath) throw new PermanentJobError("The video has no source file");
    let info;
    try {
      info = await probeMedia(await sourceFile());
    } catch (error) {
      if (error instanceof ProbeError) throw new PermanentJobError(error.reason);
      throw error;
    }
    // A media-folder original is served through a link beside the outputs; a bucket cannot hold one.
    const source = video.sourceKind === "folder" && storage.kind === "local" ? await localStorage.linkSource(videoId, video.sourcePath) : undefined;
    await completeStep(videoId, "probe", {
      ...(source && { outputs: { source } }),
      columns: {
        duration: info.duration,
        width: info.video.displayWidth,
        height: info.video.displayHeight,
        fps: info.video.fps,
        rotation: info.video.rotation,
        bitrate: info.bitrate ?? null,
        videoCodec: info.video.codec,
        audioCodec: info.audio?.codec ?? null,
        container: info.container,
        size: info.size,
        probe: info,
      },
    });
  },
};
