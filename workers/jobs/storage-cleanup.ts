import type { PgBoss } from "pg-boss";
import type { Logger } from "pino";
import { z } from "zod";
import { sendJob } from "@/lib/queue/enqueue";
import { storage, type StoredObject } from "@/lib/storage";
import { isNamedByRow, outputsOf } from "@/lib/videos/outputs";
import { storedOutputsOf } from "@/lib/videos/queries";

/**
 * Beside the pipeline's queues (lib/queue/jobs.ts), like the import queue: its jobs are about the
 * storage, not a video.
 */
const QUEUE = "storage-cleanup";
const jobData = z.object({ olderThanSeconds: z.number().int().min(0) });
/** Hourly; whichever worker sends first in the hour wins, the others' sends are dropped. */
const EVERY_SECONDS = 3600;
/**
 * A job publishes its objects and then writes the row in the next moment; an hour is far beyond that
 * gap, so objects a running job has just published are never taken for leftovers.
 */
export const ORPHAN_AGE_SECONDS = 3600;
const BATCH = 200;

/**
 * Stored files no video row names: a worker that died between publishing and writing its row, a
 * video deleted while a job of it ran, a ladder re-encoded with fewer rungs. Walks the storage video
 * by video and removes those older than `olderThanSeconds`. Returns what it removed.
 */
export async function removeOrphanedObjects({ olderThanSeconds }: { olderThanSeconds: number }): Promise<StoredObject[]> {
  const before = Date.now() - olderThanSeconds * 1000;
  const removed: StoredObject[] = [];
  let batch: StoredObject[] = [];
  const flush = async () => {
    const rows = await storedOutputsOf([...new Set(batch.map((o) => o.videoId))]);
    for (const o of batch) {
      const row = rows.get(o.videoId);
      if (o.modified.getTime() > before || (row && isNamedByRow(o.relative, outputsOf(row.outputs), row.captionFiles))) continue;
      await storage.removeFile(o.videoId, o.relative);
      removed.push(o);
    }
    batch = [];
  };
  for await (const o of storage.list()) {
    batch.push(o);
    if (batch.length >= BATCH) await flush();
  }
  await flush();
  return removed;
}

/** Runs the cleanup on this worker's queue and asks for it once an hour. */
export async function startStorageCleanup(boss: PgBoss, { log }: { log: Logger }): Promise<() => Promise<void>> {
  await boss.createQueue(QUEUE); // a no-op when another worker made it
  await boss.work(QUEUE, async ([job]) => {
    const removed = await removeOrphanedObjects(jobData.parse(job.data));
    if (removed.length) log.info({ removed: removed.length, bytes: removed.reduce((n, o) => n + o.size, 0) }, "removed orphaned media files");
  });
  const ask = () =>
    sendJob(boss, QUEUE, { olderThanSeconds: ORPHAN_AGE_SECONDS }, { oncePerSeconds: EVERY_SECONDS }).catch((err) => log.warn({ err }, "could not queue the storage cleanup"));
  await ask();
  const timer = setInterval(ask, EVERY_SECONDS * 1000).unref();
  return async () => clearInterval(timer);
}
