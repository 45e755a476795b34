import "server-only";
import fs from "node:fs/promises";
import path from "node:path";
import { paths } from "@/lib/env";
import { freeBytes } from "./disk";
import { layout } from "./layout";

export type StorageUsage = {
  /** Uploaded and downloaded originals (media-folder originals stay where they are and are not counted). */
  originals: number;
  /** The faststart MP4 and the HLS ladder. */
  renditions: number;
  /** Posters and storyboards. */
  thumbnails: number;
  /** Captions and anything else in the videos' folders. */
  other: number;
  freeBytes: number;
  totalBytes: number;
  measuredAt: Date;
};

const KIND: Record<string, keyof Pick<StorageUsage, "originals" | "renditions" | "thumbnails">> = {
  [layout.source]: "originals",
  [layout.mp4Dir]: "renditions",
  [layout.hls]: "renditions",
  [layout.thumbs]: "thumbnails",
  [layout.storyboard]: "thumbnails",
};

/** Walking every segment file of a large library takes a while: a measurement is reused for this long. */
const MAX_AGE_MS = 60_000;
const measured = new Map<string, { at: number; usage: Promise<StorageUsage> }>();

/** Bytes under the media folder by kind (measured at most once a minute per process), and the disk's free space. */
export function storageUsage(root = paths.media): Promise<StorageUsage> {
  const known = measured.get(root);
  if (known && Date.now() - known.at <= MAX_AGE_MS) return known.usage;
  const usage = measure(root);
  measured.set(root, { at: Date.now(), usage });
  usage.catch(() => measured.delete(root));
  return usage;
}

async function measure(root: string): Promise<StorageUsage> {
  const usage: StorageUsage = { originals: 0, renditions: 0, thumbnails: 0, other: 0, freeBytes: 0, totalBytes: 0, measuredAt: new Date() };
  await fs.mkdir(root, { recursive: true });
  for (const video of await fs.readdir(root, { withFileTypes: true })) {
    if (!video.isDirectory()) continue;
    for (const entry of await fs.readdir(path.join(root, video.name), { withFileTypes: true }).catch(() => [])) {
      const bytes = await sizeOf(path.join(root, video.name, entry.name));
      usage[KIND[entry.name] ?? "other"] += bytes;
    }
  }
  const stats = await fs.statfs(root);
  usage.freeBytes = await freeBytes(root);
  usage.totalBytes = stats.blocks * stats.bsize;
  return usage;
}

/** Bytes of a file or a folder's files; symbolic links (media-folder originals) count for nothing. */
async function sizeOf(target: string): Promise<number> {
  const stat = await fs.lstat(target).catch(() => null);
  if (!stat || stat.isSymbolicLink()) return 0;
  if (!stat.isDirectory()) return stat.size;
  let total = 0;
  for (const entry of await fs.readdir(target).catch(() => [])) total += await sizeOf(path.join(target, entry));
  return total;
}
