import fs from "node:fs/promises";
import path from "node:path";
import { isAppError } from "@/lib/errors";
import { childLogger } from "@/lib/log";
import { hasVideoExtension, titleFromFileName } from "@/lib/uploads/names";
import { registerSource } from "@/lib/videos/ingest";
import { markSourceMissing, restartProcessing } from "@/lib/videos/lifecycle";
import { dropExclusion, findExclusion, findFolderVideo, firstAdminId, presentFolderVideos } from "./queries";

const log = childLogger("media-folders");

/**
 * Keeping the database in step with the files of the media folders. Originals are only read: they
 * are never modified, moved or renamed; everything generated lives under the data folder.
 */

export type FileOutcome = "added" | "changed" | "unchanged" | "ignored" | "gone";

/**
 * A new file is registered in place; a known one whose size or mtime changed is processed again. A file whose
 * video was deleted stays out, unless it changed since.
 */
export async function syncFile(file: string): Promise<FileOutcome> {
  if (!hasVideoExtension(file)) return "ignored";
  const stats = await fs.stat(file).catch(() => null);
  if (!stats) return "gone";
  if (!stats.isFile()) return "ignored";
  const known = await findFolderVideo(file);
  if (!known) {
    const excluded = await findExclusion(file);
    if (excluded) {
      if (excluded.size === stats.size && excluded.sourceMtime?.getTime() === stats.mtime.getTime()) return "ignored";
      await dropExclusion(file);
    }
    try {
      await registerSource({
        ownerId: await firstAdminId(),
        title: titleFromFileName(file),
        sourceKind: "folder",
        sourcePath: file,
        size: stats.size,
        sourceMtime: stats.mtime,
      });
    } catch (error) {
      // Another process registered it between our look-up and insert (unique on folder source paths).
      if (isAppError(error) && error.code === "conflict") return "unchanged";
      throw error;
    }
    log.info({ file }, "media folder file added");
    return "added";
  }
  const same = known.size === stats.size && known.sourceMtime?.getTime() === stats.mtime.getTime();
  if (same && known.status !== "missing") return "unchanged";
  await restartProcessing(known.id, { size: stats.size, sourceMtime: stats.mtime });
  log.info({ file, videoId: known.id, reappeared: known.status === "missing" }, "media folder file changed");
  return "changed";
}

/**
 * A folder that is gone or empty is far more often an unmounted disk than a deleted library:
 * its videos are then left alone instead of all being marked missing.
 */
export async function folderLooksMounted(dir: string): Promise<boolean> {
  try {
    const entries = await fs.readdir(dir);
    return entries.length > 0;
  } catch {
    return false;
  }
}

export async function fileRemoved(file: string, root: string): Promise<boolean> {
  if (!(await folderLooksMounted(root))) {
    log.warn({ root, file }, "media folder unavailable; not marking its files missing");
    return false;
  }
  // chokidar also reports a file replaced by a rename as removed for a moment.
  if (await fs.stat(file).then(() => true, () => false)) return false;
  const video = await findFolderVideo(file);
  if (!video || video.status === "missing") return false;
  await markSourceMissing(video.id);
  log.info({ file, videoId: video.id }, "media folder file missing");
  return true;
}

/** After a (re)start: videos whose file disappeared while nobody watched are marked missing. */
export async function markVanished(root: string): Promise<number> {
  if (!(await folderLooksMounted(root))) {
    log.warn({ root }, "media folder unavailable or empty; its videos are left as they are");
    return 0;
  }
  let marked = 0;
  for (const video of await presentFolderVideos(root.endsWith(path.sep) ? root : root + path.sep)) {
    if (video.sourcePath && !(await fs.stat(video.sourcePath).then(() => true, () => false))) {
      await markSourceMissing(video.id);
      marked++;
    }
  }
  return marked;
}
