import type { Metadata } from "next";
import { headers } from "next/headers";
import { notFound } from "next/navigation";
import { Suspense } from "react";
import { DownloadPanel } from "@/components/offline/download-panel";
import { Player } from "@/components/player/player";
import { PreloadHints } from "@/components/player/preload-hints";
import { ProcessingRefresh } from "@/components/player/processing-refresh";
import type { ProcessingProgress } from "@/lib/db/schema";
import { publicOrigin } from "@/lib/http/origin";
import { pageNonce } from "@/lib/http/page-nonce";
import { embeddable } from "@/lib/videos/embed";
import { Description, VideoDetails } from "./details";
import { loadDetails, loadWatchRoute, type WatchRouteProps as Props } from "./load-page";
import { AutoplayNextCard, UpNext } from "./up-next";

export async function generateMetadata(props: Props): Promise<Metadata> {
  const page = await loadWatchRoute(props);
  if (!page) return { title: "Not found" };
  if (!embeddable(page)) return { title: page.title };
  // oEmbed discovery, so that chat and blog tools unfurl the link into the player.
  const origin = publicOrigin(await headers());
  const oembed = `${origin}/api/oembed?url=${encodeURIComponent(`${origin}/watch/${page.id}`)}`;
  return { title: page.title, alternates: { types: { "application/json+oembed": oembed } } };
}

function ProgressNote({ progress, prefix }: { progress: ProcessingProgress | null; prefix: string }) {
  const percent = progress ? Math.round(progress.percent) : null;
  return (
    <div className="space-y-2">
      <p>
        {prefix}
        {progress?.step ? ` (${progress.step}${percent !== null ? `, ${percent}%` : ""})` : ""}
      </p>
      {percent !== null && (
        <div className="h-1.5 w-full max-w-sm overflow-hidden rounded-full bg-white/15" role="progressbar" aria-valuenow={percent} aria-valuemin={0} aria-valuemax={100} aria-label="Processing progress">
          <div className="h-full bg-accent transition-[width]" style={{ width: `${percent}%` }} />
        </div>
      )}
    </div>
  );
}

function Notice({ title, tone, children }: { title: string; tone: "info" | "error"; children: React.ReactNode }) {
  return (
    <div className="flex aspect-video max-h-[calc(100dvh-8rem)] w-full items-center justify-center bg-black p-6 sm:rounded-lg">
      <div role={tone === "error" ? "alert" : "status"} className="max-w-md space-y-2 text-center text-sm text-neutral-200">
        <h2 className={`text-base font-semibold ${tone === "error" ? "text-red-400" : "text-white"}`}>{title}</h2>
        {children}
      </div>
    </div>
  );
}

/** The details stream in after the player's HTML; until then the description the page already has stands in. */
async function Details({ videoId }: { videoId: string }) {
  const video = await loadDetails(videoId);
  return video ? <VideoDetails video={video} /> : null;
}

export default async function WatchPage(props: Props) {
  const page = await loadWatchRoute(props);
  if (!page) notFound();
  const nonce = await pageNonce();

  return (
    <div className="mx-auto w-full max-w-7xl lg:grid lg:grid-cols-[minmax(0,1fr)_20rem] lg:gap-6">
      <div className="min-w-0">
        {/* The first segment, then the playlists, are in flight while the HTML is still arriving. */}
        {page.kind === "playable" && <PreloadHints preloads={page.preloads} />}
        {/* Edge to edge on phones: the shell pads its <main> by px-4 py-6 below the sm breakpoint. */}
        <div className="-mx-4 -mt-6 sm:mx-0 sm:mt-0">
          {page.kind === "playable" && <Player source={page.source} nonce={nonce} />}
          {page.kind === "processing" && (
            <Notice title="This video is being processed" tone="info">
              <ProgressNote progress={page.progress} prefix="It will play here as soon as it is ready" />
              <ProcessingRefresh />
            </Notice>
          )}
          {page.kind === "failed" && (
            <Notice title="This video could not be processed" tone="error">
              <p>{page.reason}</p>
            </Notice>
          )}
          {page.kind === "missing" && (
            <Notice title="This video's file is missing" tone="error">
              <p>The original file is no longer where it was. It plays again once the file is back.</p>
            </Notice>
          )}
        </div>
        {/* Everything below streams in after the player's HTML, so the first frame never waits for it. */}
        {page.kind === "playable" && (
          <Suspense>
            <AutoplayNextCard videoId={page.id} />
          </Suspense>
        )}
        <div className="reel-after-first-frame space-y-2 pt-4">
          <h1 className="text-xl font-semibold break-words">{page.title}</h1>
          {page.kind === "playable" && page.processing && (
            <div className="text-sm text-muted" data-testid="ladder-processing">
              {/* No auto-refresh here: it would swap the source under a playing video. */}
              <ProgressNote progress={page.processing} prefix="Playing the original while more qualities are prepared" />
            </div>
          )}
          {page.kind === "playable" && <DownloadPanel videoId={page.source.videoId} saveProgress={page.source.saveProgress} />}
          <Suspense fallback={page.description && <Description text={page.description} />}>
            <Details videoId={page.id} />
          </Suspense>
        </div>
      </div>
      <div className="reel-after-first-frame">
        <Suspense>
          <UpNext videoId={page.id} />
        </Suspense>
      </div>
    </div>
  );
}
