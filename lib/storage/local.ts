import "server-only";
import { randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { paths } from "@/lib/env";
import { layout, type PublishedFolder } from "./layout";
import type { MediaStorage, StoredObject } from "./types";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function checkId(videoId: string): string {
  if (!UUID.test(videoId)) throw new Error(`not a video id: ${videoId}`);
  return videoId.toLowerCase();
}

/**
 * Media storage on the local disk under `paths.media`. Jobs write into a private work folder
 * under `paths.tmp` (same file system) and publish a whole folder with one rename when it is
 * complete, so readers never see half a ladder.
 */
export const localStorage = {
  kind: "local" as const,

  /** `media/<videoId>` */
  videoDir(videoId: string): string {
    return path.join(/*turbopackIgnore: true*/ paths.media, checkId(videoId));
  },

  /** Absolute path of a file of a video; refuses anything that would leave the video's folder. */
  file(videoId: string, relative: string): string {
    const root = this.videoDir(videoId);
    const full = path.resolve(/*turbopackIgnore: true*/ root, relative);
    if (!full.startsWith(root + path.sep)) throw new Error(`path escapes the video folder: ${relative}`);
    return full;
  },

  async exists(videoId: string, relative: string): Promise<boolean> {
    return fs.access(this.file(videoId, relative)).then(
      () => true,
      () => false,
    );
  },

  /** On disk, inputs are read where they are. */
  async fetch(videoId: string, relative: string): Promise<string> {
    return this.file(videoId, relative);
  },

  async read(videoId: string, relative: string): Promise<Buffer | null> {
    return fs.readFile(this.file(videoId, relative)).catch((err: NodeJS.ErrnoException) => {
      if (err.code === "ENOENT") return null;
      throw err;
    });
  },

  async removeFile(videoId: string, relative: string): Promise<void> {
    await fs.rm(this.file(videoId, relative), { force: true });
  },

  async *list(videoId?: string): AsyncIterable<StoredObject> {
    const ids = videoId ? [checkId(videoId)] : (await fs.readdir(paths.media).catch(() => [] as string[])).filter((n) => UUID.test(n));
    for (const id of ids) {
      const root = this.videoDir(id);
      const entries = await fs.readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
      for (const e of entries) {
        if (!e.isFile()) continue;
        const full = path.join(e.parentPath, e.name);
        const stat = await fs.stat(full);
        yield { videoId: id, relative: path.relative(root, full).split(path.sep).join("/"), size: stat.size, modified: stat.mtime };
      }
    }
  },

  /**
   * A fresh, empty work folder `tmp/<job>/<videoId>-<attempt>`. Folders of earlier attempts of
   * the same job for the same video (a killed worker's leftovers) are removed first.
   */
  async workDir(job: string, videoId: string, attempt: string): Promise<string> {
    const parent = path.join(/*turbopackIgnore: true*/ paths.tmp, job);
    await fs.mkdir(parent, { recursive: true });
    const prefix = `${checkId(videoId)}-`;
    for (const name of await fs.readdir(parent)) {
      if (name.startsWith(prefix)) await fs.rm(path.join(parent, name), { recursive: true, force: true });
    }
    const dir = path.join(parent, `${prefix}${attempt.replace(/[^a-z0-9-]/gi, "")}`);
    await fs.mkdir(dir, { recursive: true });
    return dir;
  },

  /**
   * Moves a finished folder into `media/<videoId>/<folder>`, replacing what was there: the new
   * folder goes in with one rename; the old one (if any) is moved aside first and removed after.
   */
  async publish(videoId: string, folder: PublishedFolder, fromDir: string): Promise<void> {
    const root = this.videoDir(videoId);
    await fs.mkdir(root, { recursive: true });
    const target = path.join(root, folder);
    const aside = path.join(root, `.${folder}-old-${randomUUID()}`);
    const hadOld = await fs.rename(target, aside).then(
      () => true,
      (err: NodeJS.ErrnoException) => {
        if (err.code === "ENOENT") return false;
        throw err;
      },
    );
    await fs.rename(fromDir, target);
    if (hadOld) await fs.rm(aside, { recursive: true, force: true });
  },

  /** Moves one finished file into `media/<videoId>/<relative>` (its folder is created), replacing any file there. */
  async publishFile(videoId: string, relative: string, fromFile: string): Promise<void> {
    const target = this.file(videoId, relative);
    await fs.mkdir(path.dirname(target), { recursive: true });
    await fs.rename(fromFile, target);
  },

  /**
   * Points `source/original<.ext>` at a media-folder original (which is never copied nor
   * modified), so the media server can serve it like an upload. Returns the relative path.
   */
  async linkSource(videoId: string, original: string): Promise<string> {
    const ext = /\.[a-z0-9]{1,8}$/i.exec(original)?.[0].toLowerCase() ?? "";
    const relative = `${layout.source}/original${ext}`;
    const link = this.file(videoId, relative);
    await fs.mkdir(path.dirname(link), { recursive: true });
    await fs.rm(link, { force: true });
    await fs.symlink(original, link);
    return relative;
  },

  /** Removes one published folder (e.g. stale outputs before a re-run). */
  async unpublish(videoId: string, folder: PublishedFolder): Promise<void> {
    await fs.rm(path.join(this.videoDir(videoId), folder), { recursive: true, force: true });
  },

  /** Removes everything of a video: its media folder and any work folders. Media-folder originals are never touched. */
  async removeVideo(videoId: string): Promise<void> {
    await fs.rm(this.videoDir(videoId), { recursive: true, force: true });
    const tmpJobs = await fs.readdir(paths.tmp).catch(() => [] as string[]);
    const prefix = `${checkId(videoId)}-`;
    for (const job of tmpJobs) {
      const parent = path.join(/*turbopackIgnore: true*/ paths.tmp, job);
      for (const name of await fs.readdir(parent).catch(() => [] as string[])) {
        if (name.startsWith(prefix)) await fs.rm(path.join(parent, name), { recursive: true, force: true });
      }
    }
  },

  /** Removes the work folders of one job for a video (cancel, failure). */
  async removeWork(job: string, videoId: string): Promise<void> {
    const parent = path.join(/*turbopackIgnore: true*/ paths.tmp, job);
    const prefix = `${checkId(videoId)}-`;
    for (const name of await fs.readdir(parent).catch(() => [] as string[])) {
      if (name.startsWith(prefix)) await fs.rm(path.join(parent, name), { recursive: true, force: true });
    }
  },
};

localStorage satisfies MediaStorage;
