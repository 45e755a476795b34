import fs from "node:fs/promises";
import path from "node:path";
import { FileStore } from "@tus/file-store";
import { ERRORS, Upload, type DataStore } from "@tus/server";
import type { SourceBytes } from "./adopt";
import { assertRoomFor } from "./disk";

/** Upload ids are 128 random bits in hex: unguessable, and safe as file names. */
export const UPLOAD_ID = /^[0-9a-f]{32}$/;

/** Metadata keys the server writes; clients cannot set them (lib/uploads/server.ts drops them on create). */
export const OWNER_KEY = "reelOwner";
export const VIDEO_KEY = "reelVideoId";

/** What Reel keeps of an upload besides its bytes: owner and name in `metadata`, the video id once finished. */
export type UploadRecord = Pick<Upload, "metadata" | "size">;

/** An upload datastore with Reel's rules: the upload server (./server.ts) works with either. */
export interface ReelUploadStore extends DataStore {
  getUpload(id: string): Promise<Upload>;
  /** The record as stored (owner, video id), or null for no such upload. */
  getRecord(id: string): Promise<UploadRecord | null>;
  /** Where a complete upload's bytes are, for the hand-over to the pipeline. */
  finishedBytes(id: string): SourceBytes;
  /** Marks an upload handed over: its bytes are the video's now, the record remembers which video. */
  markFinished(upload: Upload, videoId: string): Promise<void>;
  /** Refuses (507) when taking `incoming` more bytes would eat into the free space to keep. */
  assertRoom(incoming: number, reserve: number): Promise<void>;
}

/**
 * tus's file store (the data folder, `REEL_STORAGE=local`) with two Reel rules:
 * - Expiry counts from the LAST byte received, not from creation: a slow upload that keeps moving
 *   never expires; one left alone for the expiry period does. (tus judges expiry by
 *   `creation_date`, so the upload reports its last activity there.)
 * - A finished upload keeps its small JSON record (with the video id) after its bytes moved to
 *   media/, so a client that lost the final response learns the outcome from HEAD instead of
 *   uploading the file again. The record expires like everything else.
 */
export class UploadStore extends FileStore implements ReelUploadStore {
  async getUpload(id: string): Promise<Upload> {
    const info = await this.configstore.get(id);
    if (!info) throw ERRORS.FILE_NOT_FOUND;
    if (info.metadata?.[VIDEO_KEY]) {
      return new Upload({ id, size: info.size, offset: info.size ?? 0, metadata: info.metadata, creation_date: await this.lastActivity(id) });
    }
    const upload = await super.getUpload(id);
    upload.creation_date = await this.lastActivity(id);
    return upload;
  }

  /** The record as stored (owner, video id), without touching the data file. */
  async getRecord(id: string): Promise<UploadRecord | null> {
    return UPLOAD_ID.test(id) ? ((await this.configstore.get(id)) ?? null) : null;
  }

  /** Marks an upload handed over to the pipeline: the data file is gone, the record remembers the video. */
  async markFinished(upload: Upload, videoId: string): Promise<void> {
    await this.configstore.set(
      upload.id,
      new Upload({
        id: upload.id,
        size: upload.size,
        offset: upload.size ?? upload.offset,
        metadata: { ...upload.metadata, [VIDEO_KEY]: videoId },
        creation_date: upload.creation_date,
      }),
    );
  }

  dataPath(id: string): string {
    if (!UPLOAD_ID.test(id)) throw ERRORS.FILE_NOT_FOUND;
    return path.join(this.directory, id);
  }

  finishedBytes(id: string): SourceBytes {
    return { file: this.dataPath(id) };
  }

  assertRoom(incoming: number, reserve: number): Promise<void> {
    return assertRoomFor(this.directory, incoming, reserve);
  }

  private async lastActivity(id: string): Promise<string> {
    const stamps = await this.stamps(id);
    return new Date(Math.max(0, ...stamps)).toISOString();
  }

  private async stamps(id: string): Promise<number[]> {
    const found = await Promise.all(
      [id, `${id}.json`].map((name) => fs.stat(path.join(this.directory, name)).then((s) => s.mtimeMs, () => null)),
    );
    return found.filter((t): t is number => t !== null);
  }

  /**
   * Removes every upload (partial data, record, or a leftover of either) untouched for longer than
   * the expiry. Files in the folder that are not uploads are left alone.
   */
  async deleteExpired(): Promise<number> {
    const expiry = this.getExpiration();
    if (expiry <= 0) return 0;
    let names: string[];
    try {
      names = await fs.readdir(this.directory);
    } catch {
      return 0;
    }
    const ids = new Set(names.map((n) => n.replace(/\.json$/, "")).filter((id) => UPLOAD_ID.test(id)));
    const now = Date.now();
    let removed = 0;
    for (const id of ids) {
      const stamps = await this.stamps(id);
      if (stamps.length === 0 || now - Math.max(...stamps) <= expiry) continue;
      await fs.rm(path.join(this.directory, id), { force: true });
      await fs.rm(path.join(this.directory, `${id}.json`), { force: true });
      removed++;
    }
    return removed;
  }
}
