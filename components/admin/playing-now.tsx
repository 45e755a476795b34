import Link from "next/link";
import { playingNow } from "@/lib/stats/queries";
import { DELIVERY_LABELS } from "@/lib/stats/definitions";

function since(iso: string): string {
  const seconds = Math.max(0, Math.round((Date.now() - new Date(iso).getTime()) / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  return minutes < 60 ? `${minutes} min` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/**
 * Streams playing now (server component): who, what, which quality, for how long. Fed by the players' heartbeat
 * (lib/stats/queries.ts playingNow): a stream that stops leaves the list at its next report or LIVE_STALE_SECONDS after
 * its last. The page around it refreshes itself.
 */
export async function PlayingNow() {
  const streams = await playingNow();
  return (
    <section aria-labelledby="playing-now-heading" className="grid gap-3" data-testid="playing-now">
      <h2 id="playing-now-heading" className="text-lg font-semibold">
        Playing now <span className="text-muted">({streams.length})</span>
      </h2>
      {streams.length === 0 ? (
        <p className="text-sm text-muted">Nobody is watching right now.</p>
      ) : (
        <ul className="divide-y divide-line overflow-hidden rounded-xl border border-line bg-panel">
          {streams.map((s) => (
            <li key={s.sessionId} className="flex flex-wrap items-center justify-between gap-x-4 gap-y-1 px-3 py-2 text-sm" data-testid="playing-stream" data-video={s.videoId ?? ""}>
              <span className="min-w-0 truncate">
                <span className="font-medium">{s.viewer ?? "Guest"}</span>
                {" · "}
                {s.videoId ? (
                  <Link href={`/watch/${s.videoId}`} className="hover:underline">
                    {s.title ?? "deleted video"}
                  </Link>
                ) : (
                  <span className="text-muted">deleted video</span>
                )}
              </span>
              <span className="text-muted tabular-nums">
                {s.height ? `${s.height}p` : "–"} · {DELIVERY_LABELS[s.mode] ?? s.mode} · {since(s.startedAt)}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
