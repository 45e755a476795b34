import Link from "next/link";
import { DeleteVideoButton } from "@/components/library/delete-video-button";
import { DownloadMenu } from "@/components/watch/download-menu";
import { ShareMenu } from "@/components/watch/share-menu";
import { WatchRating } from "@/components/watch/watch-rating";
import { buttonClasses } from "@/components/ui/button";
import { currentViewer } from "@/lib/guards/pages";
import { compactCount } from "@/lib/library/format";
import { linkify } from "@/lib/library/linkify";
import type { WatchDetails } from "@/lib/library/queries/watch";

const dateFormat = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });

/** The description as plain text with its web addresses as links; never HTML (the text is rendered as text). */
export function Description({ text }: { text: string }) {
  return (
    <p className="text-sm break-words whitespace-pre-line text-neutral-300" data-testid="description">
      {linkify(text).map((run, i) =>
        run.href ? (
          <a key={i} href={run.href} rel="noopener nofollow ugc" target="_blank" className="text-accent underline underline-offset-2">
            {run.text}
          </a>
        ) : (
          run.text
        ),
      )}
    </p>
  );
}

/** Under the player: views and date, uploader, favourite and rating, Share, Download, edit and delete, tags, description. */
export async function VideoDetails({ video }: { video: WatchDetails }) {
  const viewer = await currentViewer();
  const created = new Date(video.createdAt);
  return (
    <div className="space-y-3" data-testid="video-details">
      <p className="text-sm text-muted">
        <span data-testid="view-count">
          {compactCount(video.viewCount)} {video.viewCount === 1 ? "view" : "views"}
        </span>
        {" · "}
        <time dateTime={video.createdAt}>{dateFormat.format(created)}</time>
        {video.uploader && (
          <>
            {" · "}
            <span data-testid="uploader">by {video.uploader}</span>
          </>
        )}
        {video.visibility !== "public" && <span className="ml-2 rounded bg-panel-2 px-1.5 py-0.5 text-xs uppercase">{video.visibility}</span>}
      </p>
      <div className="flex flex-wrap items-center justify-between gap-3">
        <WatchRating videoId={video.id} favorite={video.me.favorite} rating={video.me.rating} summary={video.rating} signedIn={viewer !== null} />
        <div className="flex flex-wrap items-center gap-2">
          <ShareMenu videoId={video.id} title={video.title} embeddable={video.visibility !== "private"} />
          {video.canDownload && <DownloadMenu videoId={video.id} />}
          {video.me.canEdit && (
            <>
              <Link href={`/videos/${video.id}/edit`} className={buttonClasses({ variant: "secondary", size: "sm" })}>
                Edit
              </Link>
              <DeleteVideoButton videoId={video.id} title={video.title} size="sm" />
            </>
          )}
        </div>
      </div>
      {video.tags.length > 0 && (
        <ul aria-label="Tags" className="flex flex-wrap gap-2">
          {video.tags.map((tag) => (
            <li key={tag}>
              <Link href={`/tags/${encodeURIComponent(tag)}`} className="block rounded-full border border-line bg-panel-2 px-3 py-1 text-sm hover:border-line-strong" data-testid="watch-tag">
                #{tag}
              </Link>
            </li>
          ))}
        </ul>
      )}
      {video.description && <Description text={video.description} />}
    </div>
  );
}
