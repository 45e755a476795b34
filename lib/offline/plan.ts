import "server-only";
import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import type { Viewer } from "@/lib/auth/viewer";
import { paths } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { signedPlayback } from "@/lib/media/urls";
import { audioRenditionUris, parseMaster, parseMediaPlaylist } from "@/lib/playback/hls-manifest";
import { hlsScriptUrl } from "@/lib/playback/hls-script";
import { listCaptions } from "@/lib/playback/queries";
import { sortRungs } from "@/lib/playback/start-level";
import { pickPoster } from "@/lib/playback/watch";
import { requireViewable } from "@/lib/videos/access";
import { chaptersOf, chaptersVtt } from "@/lib/videos/chapters";
import { outputsOf } from "@/lib/videos/outputs";
import { masterForRung, safeRel } from "./rules";
import type { OfflineFile, OfflinePlan, OfflineSummary } from "./types";

/** Where the chapters track is kept with a download; it is not a file of the media folder, so the API serves it. */
const CHAPTERS_REL = "chapters.vtt";

type StoredFile = { rel: string; bytes: number };
type Rendition = { height: number; files: StoredFile[]; master: string | null };

async function size(dir: string, rel: string): Promise<number | null> {
  const stat = await fs.stat(path.join(/*turbopackIgnore: true*/ dir, rel)).catch(() => null);
  return stat?.isFile() ? stat.size : null;
}

/** A media playlist of the ladder (`uri` as the master names it) with its init segment and segments; null when one is missing. */
async function playlistFiles(dir: string, uri: string): Promise<StoredFile[] | null> {
  const playlistRel = safeRel(`hls/${uri}`);
  if (!playlistRel) return null;
  const text = await fs.readFile(path.join(/*turbopackIgnore: true*/ dir, playlistRel), "utf8").catch(() => null);
  if (!text) return null;
  const media = parseMediaPlaylist(text);
  const folder = path.posix.dirname(playlistRel);
  const rels = [playlistRel, ...(media.initUri ? [`${folder}/${media.initUri}`] : []), ...media.segments.map((s) => `${folder}/${s.uri}`)].map(safeRel);
  if (rels.some((r) => r === null)) return null;
  const files: StoredFile[] = [];
  for (const rel of rels as string[]) {
    const bytes = await size(dir, rel);
    if (bytes === null) return null;
    files.push({ rel, bytes });
  }
  return files;
}

/**
 * Each rung of the ladder with the files it needs (playlist, init segment, segments), highest first. A ladder with
 * alternate audio gives every rung all its audio renditions too (the rungs hold no sound), so the Audio menu works
 * offline; the master kept with a download names them as the online one does.
 */
async function hlsRenditions(dir: string): Promise<Rendition[] | null> {
  const masterText = await fs.readFile(path.join(/*turbopackIgnore: true*/ dir, "hls", "master.m3u8"), "utf8").catch(() => null);
  if (!masterText) return null;
  const audio: StoredFile[] = [];
  for (const uri of audioRenditionUris(masterText)) {
    const files = await playlistFiles(dir, uri);
    if (!files) return null; // a rung without its sound is no copy to keep
    audio.push(...files);
  }
  const renditions: Rendition[] = [];
  for (const variant of sortRungs(parseMaster(masterText))) {
    const files = await playlistFiles(dir, variant.uri);
    if (files) renditions.push({ height: variant.height, files: [...files, ...audio], master: masterForRung(masterText, variant.uri) });
  }
  return renditions.length ? renditions.reverse() : null;
}

/** The storyboard index and the sprite images beside it. */
async function storyboardFiles(dir: string): Promise<StoredFile[]> {
  const names = await fs.readdir(path.join(/*turbopackIgnore: true*/ dir, "storyboard")).catch(() => [] as string[]);
  const files = [];
  for (const name of names.sort()) {
    const rel = safeRel(`storyboard/${name}`);
    const bytes = rel ? await size(dir, rel) : null;
    if (rel && bytes !== null) files.push({ rel, bytes });
  }
  return files;
}

function relOf(url: string, base: string): string | null {
  return url.startsWith(base) ? safeRel(url.slice(base.length).split("/").map(decodeURIComponent).join("/")) : null;
}

async function gather(viewer: Viewer | null, videoId: string) {
  const video = await requireViewable(viewer, videoId);
  if (video.status === "failed") throw new AppError("conflict", "This video could not be processed");
  const dir = path.join(/*turbopackIgnore: true*/ paths.media, video.id);
  const captionRows = await listCaptions(video.id);
  const signed = signedPlayback(video, captionRows);
  const renditions = signed.hls ? await hlsRenditions(dir) : null;
  const audioTracks = renditions ? (outputsOf(video.outputs).audio ?? []) : [];
  const mp4Bytes = !renditions && signed.mp4 ? await size(dir, "mp4/video.mp4") : null;
  if (!renditions && mp4Bytes === null) throw new AppError("conflict", "This video is not ready to download yet");

  const poster = pickPoster(signed.posters);
  const posterRel = poster ? relOf(poster, signed.base) : null;
  const captions = signed.captions.map((c) => ({ rel: relOf(c.url, signed.base), lang: c.lang, label: c.label })).filter((c): c is { rel: string; lang: string; label: string } => c.rel !== null);
  const storyboard = signed.storyboard ? await storyboardFiles(dir) : [];
  const common: StoredFile[] = [...storyboard];
  for (const rel of [posterRel, ...captions.map((c) => c.rel)]) {
    const bytes = rel ? await size(dir, rel) : null;
    if (rel && bytes !== null) common.push({ rel, bytes });
  }
  const chapters = chaptersOf(video);
  const chaptersText = chapters.length && video.duration ? chaptersVtt(chapters, video.duration) : null;
  if (chaptersText) common.push({ rel: CHAPTERS_REL, bytes: Buffer.byteLength(chaptersText) });
  const commonBytes = common.reduce((n, f) => n + f.bytes, 0);
  const mp4Height = video.rotation === 90 || video.rotation === 270 ? video.width : video.height;
  const options: Rendition[] = renditions ?? [{ height: mp4Height ?? 0, files: [{ rel: "mp4/video.mp4", bytes: mp4Bytes! }], master: null }];

  const version = createHash("sha256")
    .update(JSON.stringify([video.outputs, captionRows.map((c) => [c.id, c.file]), options.map((o) => o.files.map((f) => [f.rel, f.bytes])), chaptersText]))
    .digest("base64url")
    .slice(0, 16);
  const summary: OfflineSummary = {
    videoId: video.id,
    title: video.title,
    duration: video.duration,
    aspect: video.width && video.height ? (video.rotation === 90 || video.rotation === 270 ? video.height / video.width : video.width / video.height) : 16 / 9,
    version,
    kind: renditions ? "hls" : "mp4",
    qualities: options.map((o) => ({ height: o.height, bytes: commonBytes + o.files.reduce((n, f) => n + f.bytes, 0) })),
    hlsScriptUrl: renditions ? hlsScriptUrl({ alternateAudio: audioTracks.length > 0 }) : null,
    audioTracks,
    posterRel,
    storyboardRel: storyboard.some((f) => f.rel === "storyboard/storyboard.vtt") ? "storyboard/storyboard.vtt" : null,
    captions,
    chaptersRel: chaptersText ? CHAPTERS_REL : null,
  };
  return { summary, options, common, base: signed.base };
}

/** The qualities a viewer may download, with their sizes, and the version to compare a stored download with. */
export async function offlineSummary(viewer: Viewer | null, videoId: string): Promise<OfflineSummary> {
  return (await gather(viewer, videoId)).summary;
}

/** Everything to fetch for one quality, with URLs signed for now (the download is resumed with a fresh plan). */
export async function offlinePlan(viewer: Viewer | null, videoId: string, height: number): Promise<OfflinePlan> {
  const { summary, options, common, base } = await gather(viewer, videoId);
  const chosen = options.find((o) => o.height === height);
  if (!chosen) throw new AppError("not_found", `There is no ${height}p version of this video`);
  const url = (rel: string) => (rel === CHAPTERS_REL ? `/api/videos/${videoId}/chapters` : base + rel.split("/").map(encodeURIComponent).join("/"));
  const files: OfflineFile[] = [...chosen.files, ...common].map((f) => ({ ...f, url: url(f.rel) }));
  return { ...summary, height, master: chosen.master, files };
}
