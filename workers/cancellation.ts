import { sql } from "@/lib/db/client";
import { childLogger } from "@/lib/log";
import { channels } from "@/lib/queue/channels";

const log = childLogger("cancellation");

/** A video's processing was cancelled, or the video deleted (as opposed to a worker shutting down). */
export class VideoCancelled extends Error {
  constructor(readonly videoId: string) {
    super("cancelled");
    this.name = "VideoCancelled";
  }
}

const running = new Map<string, Set<AbortController>>();

/** Registers a running job of a video; `cancelVideo` (or a cancel NOTIFY from any process) aborts it. */
export function trackVideoJob(videoId: string, controller: AbortController): () => void {
  let set = running.get(videoId);
  if (!set) running.set(videoId, (set = new Set()));
  set.add(controller);
  return () => {
    set.delete(controller);
    if (set.size === 0) running.delete(videoId);
  };
}

export function cancelVideo(videoId: string) {
  for (const controller of running.get(videoId) ?? []) controller.abort(new VideoCancelled(videoId));
}

/**
 * Listens for cancel NOTIFYs from web processes on any machine. The job also checks its video's
 * status each time it saves progress, so a notification lost while reconnecting costs at most
 * a second or so more.
 */
export async function listenForCancellation(): Promise<() => Promise<void>> {
  const { unlisten } = await sql.listen(channels.cancel, (videoId) => {
    if (running.has(videoId)) log.info({ videoId }, "cancelling the running jobs of a video");
    cancelVideo(videoId);
  });
  return unlisten;
}
