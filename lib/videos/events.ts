import { EventEmitter } from "node:events";
import { sql } from "@/lib/db/client";
import { childLogger } from "@/lib/log";
import { channels } from "@/lib/queue/channels";

const log = childLogger("video-events");

/**
 * One LISTEN connection per process fans NOTIFYs about video rows out to every subscriber
 * (server-sent event streams) in this process.
 */
const globalForEvents = globalThis as unknown as { reelVideoEvents?: { emitter: EventEmitter; ready: Promise<void> } };

function hub() {
  if (!globalForEvents.reelVideoEvents) {
    const emitter = new EventEmitter();
    emitter.setMaxListeners(0);
    const ready = sql
      .listen(channels.video, (videoId) => emitter.emit(videoId))
      .then(() => undefined)
      .catch((err) => {
        log.error({ err }, "cannot listen for video changes: streams fall back to polling");
      });
    globalForEvents.reelVideoEvents = { emitter, ready };
  }
  return globalForEvents.reelVideoEvents;
}

/** Calls `onChange` when the video's row changes (progress, status, deletion). Returns unsubscribe. */
export async function subscribeToVideo(videoId: string, onChange: () => void): Promise<() => void> {
  const { emitter, ready } = hub();
  await ready;
  emitter.on(videoId, onChange);
  return () => emitter.off(videoId, onChange);
}
