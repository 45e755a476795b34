import { chaptersFromVtt, type Chapter } from "@/lib/videos/chapters";
import type { OfflineOwner } from "./rules";
import type { DownloadRecord } from "./types";

/**
 * Where downloads live in the browser: Cache Storage, shared with the service worker (public/sw.js keeps the same
 * names). Media files sit under stable keys, `/offline-media/<video id>/<path in the video's folder>`, which the
 * service worker answers; a signed URL is never a key. Each download's record is a JSON entry of its own, and the
 * position the service worker notes while it plays is another (so the two writers never overwrite each other).
 */
export const MEDIA_CACHE = "reel-offline-media";
export const RECORDS_CACHE = "reel-offline-records";
/** Reports made offline, waiting to be sent (public/sw.js writes and sends them). */
export const OUTBOX_CACHE = "reel-outbox";
/** The service worker's app shell and its offline copies of pages, one per build: `reel-shell-<build id>`. */
const SHELL_CACHE_PREFIX = "reel-shell-";
/** What the shell cache may keep across users: build files (named by their content), icons, and the shell pages as anyone sees them. */
const SHARED_SHELL_ENTRY = /^\/(_next\/static\/|_reel\/|icons\/|manifest\.webmanifest$|icon\.svg$|offline$|downloads$)/;
/**
 * hls.js for offline playback, shared by every download (the online URL is only cached until the next build): the
 * light build, and the full one for downloads with alternate audio (lib/playback/hls-script.ts).
 */
export const playerScriptKey = (alternateAudio: boolean) => (alternateAudio ? "/offline-media/player/hls.full.js" : "/offline-media/player/hls.js");

export const mediaKey = (videoId: string, rel: string) => `/offline-media/${videoId}/${rel.split("/").map(encodeURIComponent).join("/")}`;
/** Whose offline data this is (lib/offline/rules.ts, OfflineOwner); public/sw.js tags queued reports with it. */
const OWNER_KEY = "/offline-owner";
const recordKey = (videoId: string) => `/offline-records/${videoId}`;
const positionKey = (videoId: string) => `/offline-records/${videoId}/position`;

export function offlineSupported(): boolean {
  return typeof window !== "undefined" && "caches" in window && "serviceWorker" in navigator;
}

export async function listRecords(): Promise<DownloadRecord[]> {
  const cache = await caches.open(RECORDS_CACHE);
  const keys = (await cache.keys()).filter((r) => /^\/offline-records\/[^/]+$/.test(new URL(r.url).pathname));
  const records = await Promise.all(keys.map(async (k) => (await cache.match(k))?.json() as Promise<DownloadRecord | undefined>));
  return records.filter((r): r is DownloadRecord => !!r).sort((a, b) => b.createdAt - a.createdAt);
}

export async function readRecord(videoId: string): Promise<DownloadRecord | null> {
  const hit = await (await caches.open(RECORDS_CACHE)).match(recordKey(videoId));
  return hit ? ((await hit.json()) as DownloadRecord) : null;
}

export async function writeRecord(record: DownloadRecord): Promise<void> {
  const body = JSON.stringify(record);
  await (await caches.open(RECORDS_CACHE)).put(recordKey(record.videoId), new Response(body, { headers: { "content-type": "application/json" } }));
}

/** The last position the service worker saw for a video (seconds), if it was watched since it was downloaded. */
export async function readPosition(videoId: string): Promise<number | null> {
  const hit = await (await caches.open(RECORDS_CACHE)).match(positionKey(videoId));
  const value = hit ? ((await hit.json()) as { position?: unknown }) : null;
  return typeof value?.position === "number" ? value.position : null;
}

/** The chapters of a download, from the chapters track stored with it; none when it has none. */
export async function storedChapters(record: Pick<DownloadRecord, "videoId" | "chaptersRel">): Promise<Chapter[]> {
  if (!record.chaptersRel) return [];
  const hit = await (await caches.open(MEDIA_CACHE)).match(mediaKey(record.videoId, record.chaptersRel));
  return hit ? chaptersFromVtt(await hit.text()) : [];
}

/** The paths already stored for a video. */
export async function storedRels(videoId: string): Promise<Set<string>> {
  const prefix = `/offline-media/${videoId}/`;
  const keys = await (await caches.open(MEDIA_CACHE)).keys();
  const rels = new Set<string>();
  for (const k of keys) {
    const path = new URL(k.url).pathname;
    if (path.startsWith(prefix)) rels.add(path.slice(prefix.length).split("/").map(decodeURIComponent).join("/"));
  }
  return rels;
}

/** Removes a video's media; with `record`, its record and position too. */
export async function deleteMedia(videoId: string, { record }: { record: boolean }): Promise<void> {
  const media = await caches.open(MEDIA_CACHE);
  const prefix = `/offline-media/${videoId}/`;
  await Promise.all((await media.keys()).filter((k) => new URL(k.url).pathname.startsWith(prefix)).map((k) => media.delete(k)));
  if (!record) return;
  const records = await caches.open(RECORDS_CACHE);
  await Promise.all([records.delete(recordKey(videoId)), records.delete(positionKey(videoId))]);
}

export async function readOwner(): Promise<OfflineOwner> {
  const hit = await (await caches.open(RECORDS_CACHE)).match(OWNER_KEY);
  const value = hit ? ((await hit.json()) as { userId?: unknown }) : null;
  return typeof value?.userId === "string" || value?.userId === null ? value.userId : undefined;
}

export async function writeOwner(userId: string | null): Promise<void> {
  await (await caches.open(RECORDS_CACHE)).put(OWNER_KEY, new Response(JSON.stringify({ userId }), { headers: { "content-type": "application/json" } }));
}

/**
 * Everything this device keeps of the signed-in person: downloads and their records, reports waiting to be sent
 * (they would go out with the next person's cookie), and the offline copies of pages, which show their name and
 * their lists. Build files, icons and the shell pages (public/sw.js keeps them as anyone sees them) stay.
 */
export async function forgetUserData(): Promise<void> {
  await Promise.all([MEDIA_CACHE, RECORDS_CACHE, OUTBOX_CACHE].map((name) => caches.delete(name)));
  for (const name of (await caches.keys()).filter((n) => n.startsWith(SHELL_CACHE_PREFIX))) {
    const shell = await caches.open(name);
    const pages = (await shell.keys()).filter((r) => !SHARED_SHELL_ENTRY.test(new URL(r.url).pathname));
    await Promise.all(pages.map((r) => shell.delete(r)));
  }
}
