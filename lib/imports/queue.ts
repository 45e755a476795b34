import type { PgBoss } from "pg-boss";
import { z } from "zod";
import type { Tx } from "@/lib/db/client";
import { producerBoss } from "@/lib/queue/boss";
import { sendJob } from "@/lib/queue/enqueue";

/**
 * The download queue of URL imports. It sits beside the video pipeline's queues (lib/queue/jobs.ts)
 * rather than among them: its jobs are about an import, not a video, and the pipeline treats every
 * job of its own list as a step of a video.
 */
export const IMPORT_QUEUE = "import-url";
export const importJobData = z.object({ importId: z.uuid() });
export type ImportJobData = z.infer<typeof importJobData>;

const globalForQueue = globalThis as unknown as { reelImportQueue?: Promise<void> };

/** Creates the queue once per process (NOTIFY on, so an idle worker starts the download at once). */
export function ensureImportQueue(boss: PgBoss): Promise<void> {
  globalForQueue.reelImportQueue ??= (async () => {
    if (!(await boss.getQueue(IMPORT_QUEUE))) await boss.createQueue(IMPORT_QUEUE, { notify: true });
  })().catch((err) => {
    globalForQueue.reelImportQueue = undefined;
    throw err;
  });
  return globalForQueue.reelImportQueue;
}

/** Queues the download inside the transaction that records the import: both exist, or neither. */
export async function enqueueImport(importId: string, tx: Tx): Promise<void> {
  const boss = await producerBoss();
  await ensureImportQueue(boss);
  await sendJob(boss, IMPORT_QUEUE, importJobData.parse({ importId }), { tx });
}
