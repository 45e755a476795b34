import path from "node:path";
import { z } from "zod";
import { db, type Tx } from "@/lib/db/client";
import { isUniqueViolation } from "@/lib/db/errors";
import { videos, type Video } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { enqueue } from "@/lib/queue";
import { producerBoss } from "@/lib/queue/boss";

const sourceInput = z.object({
  ownerId: z.uuid().nullable(),
  title: z.string().trim().min(1).max(300),
  sourceKind: z.enum(["upload", "folder", "url"]),
  /** Absolute path of the original: inside `media/<id>/source/` for uploads and URL imports, in place for folders. */
  sourcePath: z.string().refine((p) => path.isAbsolute(p), "must be an absolute path"),
  sourceUrl: z.url().optional(),
  size: z.number().int().min(0).optional(),
  sourceMtime: z.date().optional(),
  /** Lets the caller choose the id, e.g. to move the upload into `media/<id>/source/` before registering. */
  id: z.uuid().optional(),
});
export type RegisterSourceInput = z.input<typeof sourceInput>;

/** Work that must commit or fail together with the new video (e.g. marking the URL import that brought it done). */
export type RegisteredHook = (tx: Tx, video: Video) => Promise<void>;

/**
 * Records a new source and starts its processing: the video row (status `uploaded`) and the
 * `probe` job are written in ONE transaction (pg-boss `send` through the same connection), so
 * there is never a video nobody will process, nor a job for a video that does not exist.
 */
export async function registerSource(input: RegisterSourceInput, onRegistered?: RegisteredHook): Promise<Video> {
  const parsed = sourceInput.safeParse(input);
  if (!parsed.success) {
    throw new AppError("bad_request", `Invalid source: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  }
  const values = parsed.data;
  // Started before the transaction so that no transaction stays open while pg-boss connects.
  await producerBoss();
  try {
    return await db.transaction(async (tx) => {
      const [video] = await tx
        .insert(videos)
        .values({ ...values, status: "uploaded" })
        .returning();
      await enqueue("probe", { videoId: video.id }, { tx });
      await onRegistered?.(tx, video);
      return video;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError("conflict", "This source is already registered");
    throw error;
  }
}
