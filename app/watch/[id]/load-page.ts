import { cookies } from "next/headers";
import { cache } from "react";
import { z } from "zod";
import { currentViewer } from "@/lib/guards/pages";
import { upNext, watchDetails } from "@/lib/library/queries/watch";
import { BANDWIDTH_COOKIE, PLAYER_HEIGHT_COOKIE } from "@/lib/playback/start-level";
import { parseStartTime } from "@/lib/playback/start-time";
import { loadWatchPage } from "@/lib/playback/watch";

export type WatchRouteProps = { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

const id = z.uuid();

function positive(value: string | undefined): number | null {
  const n = Number(value);
  return Number.isFinite(n) && n > 0 ? n : null;
}

/** Per request: the page and its metadata load the video once. */
const load = cache(async (videoId: string, t: string | undefined) => {
  if (!id.safeParse(videoId).success) return null;
  const [viewer, jar] = await Promise.all([currentViewer(), cookies()]);
  const hints = { bandwidthBps: positive(jar.get(BANDWIDTH_COOKIE)?.value), playerHeightPx: positive(jar.get(PLAYER_HEIGHT_COOKIE)?.value) };
  const start = parseStartTime(t) ?? undefined;
  return loadWatchPage(viewer, videoId, hints, start);
});

export async function loadWatchRoute({ params, searchParams }: WatchRouteProps) {
  const [{ id: videoId }, query] = await Promise.all([params, searchParams]);
  return load(videoId, typeof query.t === "string" ? query.t : undefined);
}

/** What streams in around the player, after it: the video's details and Up next (once per request each). */
export const loadDetails = cache(async (videoId: string) => watchDetails(await currentViewer(), videoId));

export const loadUpNext = cache(async (videoId: string) => {
  const details = await loadDetails(videoId);
  return details ? upNext(await currentViewer(), details) : [];
});
