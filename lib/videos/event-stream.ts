import type { Viewer } from "@/lib/auth/viewer";
import { currentVideoView } from "./api";
import { subscribeToVideo } from "./events";
import { requireViewable } from "./access";

const COALESCE_MS = 250;
/** Safety net for a NOTIFY lost while the listener reconnects. */
const POLL_MS = 5000;
const KEEPALIVE_MS = 15_000;
/** Streams end after this long; EventSource reconnects by itself (and is re-authorised). */
const MAX_STREAM_MS = 10 * 60_000;

/**
 * Server-sent events for one video: `event: video` with the same JSON as GET /api/videos/:id
 * whenever its row changes (progress ~1/s while encoding, every status change), and
 * `event: deleted` when it is gone. The first event is sent at once.
 * Access is checked again before every push, with the caller looked up afresh (`currentViewer`): once the
 * video is no longer theirs to see it is `deleted` for them, and once their session or account ends (or the
 * token is revoked) the stream closes without another word. The poll bounds how long either takes to notice.
 */
export async function videoEventStream(viewer: Viewer | null, id: string, signal: AbortSignal, currentViewer: () => Promise<Viewer | null>): Promise<Response> {
  await requireViewable(viewer, id);
  const encoder = new TextEncoder();
  let cleanup = () => {};

  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      let closed = false;
      let lastSent = "";
      let timer: ReturnType<typeof setTimeout> | null = null;
      const write = (text: string) => {
        if (!closed) controller.enqueue(encoder.encode(text));
      };
      const close = () => {
        if (closed) return;
        closed = true;
        cleanup();
        try {
          controller.close();
        } catch {
          // Already cancelled by the client.
        }
      };
      const push = async () => {
        timer = null;
        if (closed) return;
        // A failed look-up (the database restarting) skips this push; the next change or poll tries again.
        const now = await currentViewer().catch(() => undefined);
        if (now === undefined) return;
        if (viewer && now?.id !== viewer.id) return close();
        const view = await currentVideoView(now, id).catch(() => undefined);
        if (view === undefined || closed) return;
        if (view === null) {
          write("event: deleted\ndata: {}\n\n");
          return close();
        }
        const json = JSON.stringify(view);
        if (json === lastSent) return;
        lastSent = json;
        write(`event: video\ndata: ${json}\n\n`);
      };
      const schedule = () => {
        timer ??= setTimeout(push, COALESCE_MS);
      };

      const unsubscribe = await subscribeToVideo(id, schedule);
      const poll = setInterval(schedule, POLL_MS);
      const keepalive = setInterval(() => write(": keepalive\n\n"), KEEPALIVE_MS);
      const end = setTimeout(close, MAX_STREAM_MS);
      const onAbort = () => close();
      cleanup = () => {
        unsubscribe();
        clearInterval(poll);
        clearInterval(keepalive);
        clearTimeout(end);
        if (timer) clearTimeout(timer);
        signal.removeEventListener("abort", onAbort);
      };
      signal.addEventListener("abort", onAbort, { once: true });
      write("retry: 2000\n\n");
      await push();
    },
    cancel() {
      cleanup();
    },
  });

  return new Response(stream, {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    },
  });
}
