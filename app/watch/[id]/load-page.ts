import { cookies } from "next/headers";
import { cache } from "react";
import { z } from "zod";
import { getViewer } from "@/lib/auth/session";
import { BANDWIDTH_COOKIE, PLAYER_HEIGHT_COOKIE } from "@/lib/playback/start-level";
import { loadWatchPage } from "@/lib/playback/watch";

export type WatchRouteProps = { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

const id = z.uuid();
const startParam = z.coerce.number().finite().min(0).max(864_000);

function positive(value: string | undefined): number | null {
  const n = Number(value);
  return Number.isFinite(n) && n > 0 ? n : null;
}

/** Per request: the page and its metadata load the video once. */
const load = cache(async (videoId: string, t: string | undefined) => {
  if (!id.safeParse(videoId).success) return null;
  const [viewer, jar] = await Promise.all([getViewer(), cookies()]);
  const hints = { bandwidthBps: positive(jar.get(BANDWIDTH_COOKIE)?.value), playerHeightPx: positive(jar.get(PLAYER_HEIGHT_COOKIE)?.value) };
  const start = t === undefined ? undefined : startParam.safeParse(t).data;
  return loadWatchPage(viewer, videoId, hints, start);
});

export async function loadWatchRoute({ params, searchParams }: WatchRouteProps) {
  const [{ id: videoId }, query] = await Promise.all([params, searchParams]);
  return load(videoId, typeof query.t === "string" ? query.t : undefined);
}
