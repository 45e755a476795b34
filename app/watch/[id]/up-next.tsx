import Link from "next/link";
import { Poster } from "@/components/library/poster";
import { AutoplayNext, AutoplaySwitch } from "@/components/watch/autoplay-next";
import { compactCount } from "@/lib/library/format";
import { formatTime } from "@/lib/playback/shortcuts";
import { loadUpNext } from "./load-page";

/** Beside the player on wide screens, below it on phones: what plays next. */
export async function UpNext({ videoId }: { videoId: string }) {
  const videos = await loadUpNext(videoId);
  if (!videos.length) return null;
  return (
    <section aria-labelledby="up-next-heading" className="space-y-3 pt-6 lg:pt-0" data-testid="up-next">
      <div className="flex items-center justify-between gap-2">
        <h2 id="up-next-heading" className="text-base font-semibold">
          Up next
        </h2>
        <AutoplaySwitch />
      </div>
      <ol className="space-y-3">
        {videos.map((video) => (
          <li key={video.id}>
            <Link href={`/watch/${video.id}`} className="group flex gap-3 rounded-lg" data-testid="up-next-item" data-video-id={video.id}>
              <span className="relative block aspect-video w-40 shrink-0 overflow-hidden rounded-lg bg-panel-2">
                <Poster title={video.title} poster={video.poster} sizes="160px" />
                {video.duration !== null && (
                  <span className="absolute right-1 bottom-1 rounded bg-black/80 px-1 text-xs tabular-nums">{formatTime(video.duration)}</span>
                )}
                {video.me.progress && !video.me.progress.finished && video.me.progress.fraction !== null && (
                  <span className="absolute inset-x-0 bottom-0 h-1 bg-white/25">
                    <span className="block h-full bg-accent" style={{ width: `${Math.round(video.me.progress.fraction * 100)}%` }} />
                  </span>
                )}
              </span>
              <span className="min-w-0 space-y-1">
                <span className="line-clamp-2 text-sm leading-snug font-medium group-hover:underline">{video.title}</span>
                <span className="block text-xs text-muted">
                  {video.me.progress?.timeLeft && !video.me.progress.finished
                    ? video.me.progress.timeLeft
                    : `${compactCount(video.viewCount)} ${video.viewCount === 1 ? "view" : "views"}`}
                </span>
              </span>
            </Link>
          </li>
        ))}
      </ol>
    </section>
  );
}

/** The end-of-video countdown to the first video of Up next. */
export async function AutoplayNextCard({ videoId }: { videoId: string }) {
  const [next] = await loadUpNext(videoId);
  return next ? <AutoplayNext next={{ id: next.id, title: next.title }} /> : null;
}
