"use client";

// A client component although it keeps no state: a server page that renders cards (the home page's rows) then sends
// each card's data once (VideoCardData) rather than its whole markup again in the RSC payload.
import Link from "next/link";
import type { VideoCardData } from "@/lib/library/cards";
import { compactCount } from "@/lib/library/format";
import { formatTime } from "@/lib/playback/shortcuts";
import { CardActions } from "./card-actions";
import { Highlighted } from "./highlighted";
import { Poster } from "./poster";

const STATUS_LABEL: Record<string, string> = {
  uploaded: "Queued",
  probing: "Checking",
  processing: "Processing",
  failed: "Failed",
  missing: "Missing",
};

/** The poster widths each layout shows (VideoGrid's columns, VideoRow's card widths). */
const POSTER_SIZES = {
  grid: "(max-width: 640px) 50vw, (max-width: 1024px) 33vw, (max-width: 1536px) 25vw, 20vw",
  row: "(max-width: 640px) 44vw, (max-width: 1024px) 30vw, 18vw",
};

/** Grid and row card: poster (lazy), duration, progress, status for owners, title, rating and favourite. */
export function VideoCard({
  video,
  signedIn,
  eager = false,
  variant = "grid",
}: {
  video: VideoCardData;
  signedIn: boolean;
  eager?: boolean;
  variant?: keyof typeof POSTER_SIZES;
}) {
  const progress = video.me.progress;
  const showProgress = progress && !progress.finished && progress.fraction !== null;
  const status = STATUS_LABEL[video.status];
  const duration = video.duration === null ? null : formatTime(video.duration);
  return (
    <article className="group relative flex min-w-0 flex-col gap-1.5" data-testid="video-card" data-video-id={video.id}>
      {/* The title below is the card's link for keyboards and screen readers; the poster repeats it for pointers only. */}
      <Link href={`/watch/${video.id}`} className="relative block aspect-video overflow-hidden rounded-lg bg-panel-2" tabIndex={-1} aria-hidden>
        <Poster title={video.title} poster={video.poster} eager={eager} sizes={POSTER_SIZES[variant]} />
        {duration && (
          <span className="absolute right-1.5 bottom-1.5 rounded bg-black/80 px-1.5 py-0.5 text-xs font-medium tabular-nums">{duration}</span>
        )}
        {(status || video.visibility !== "public") && (
          <span className="absolute top-1.5 left-1.5 flex gap-1 text-[11px] font-semibold uppercase">
            {status && <span className={`rounded px-1.5 py-0.5 ${video.status === "failed" ? "bg-danger-bg text-danger" : "bg-warning-bg text-warning"}`}>{status}</span>}
            {video.visibility !== "public" && <span className="rounded bg-black/75 px-1.5 py-0.5 text-fg">{video.visibility}</span>}
          </span>
        )}
        {showProgress && (
          <span className="absolute inset-x-0 bottom-0 h-1 bg-white/25" data-testid="progress-bar">
            <span className="block h-full bg-accent" style={{ width: `${Math.round(progress.fraction! * 100)}%` }} />
          </span>
        )}
      </Link>
      <div className="min-w-0">
        <h3 className="line-clamp-2 text-sm leading-snug font-medium" title={video.title}>
          <Link href={`/watch/${video.id}`} className="hover:underline">
            <Highlighted segments={video.highlight?.title} fallback={video.title} />
          </Link>
        </h3>
        <div className="flex min-w-0 items-center gap-1">
          <p className="min-w-0 flex-1 truncate text-xs text-muted">
            {showProgress && progress.timeLeft ? (
              <span className="text-fg" data-testid="time-left">
                {progress.timeLeft}
              </span>
            ) : (
              <>
                {compactCount(video.viewCount)} {video.viewCount === 1 ? "view" : "views"}
                {video.rating.count > 0 && (
                  <>
                    {" · "}
                    <span aria-label={`Rated ${video.rating.average!.toFixed(1)} out of 5 by ${video.rating.count}`}>
                      ★ {video.rating.average!.toFixed(1)} ({video.rating.count})
                    </span>
                  </>
                )}
              </>
            )}
          </p>
          {signedIn && <CardActions videoId={video.id} favorite={video.me.favorite} rating={video.me.rating} title={video.title} />}
          {video.me.canEdit && (
            <Link
              href={`/videos/${video.id}/edit`}
              aria-label={`Edit ${video.title}`}
              className="shrink-0 rounded px-1.5 py-1 text-sm leading-none text-muted hover:bg-panel-2 hover:text-fg"
            >
              ✎
            </Link>
          )}
        </div>
        {variant === "grid" && video.highlight?.description && (
          <p className="line-clamp-2 text-xs text-muted">
            <Highlighted segments={video.highlight.description} fallback="" />
          </p>
        )}
      </div>
    </article>
  );
}
