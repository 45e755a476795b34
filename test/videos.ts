import type { Video } from "@/lib/db/schema";
import { findVideo } from "@/lib/videos/queries";

/** Reads the video row until `done` holds for it (the pipeline moves it from another process or queue). */
export async function waitForVideo(id: string, done: (v: Video) => boolean, timeoutMs = 60_000): Promise<Video> {
  const started = Date.now();
  for (;;) {
    const video = await findVideo(id);
    if (video && done(video)) return video;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out; video is ${video?.status} ${JSON.stringify(video?.progress)} ${video?.failureReason ?? ""}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The pipeline is done with it, one way or the other. */
export const settled = (v: Video) => v.status === "ready" || v.status === "failed";
