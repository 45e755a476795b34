import type { JobWithMetadata, PgBoss } from "pg-boss";
import type { Logger } from "pino";
import { env } from "@/lib/env";
import { runImport } from "@/lib/imports/download";
import { childLogger } from "@/lib/log";
import { ensureImportQueue, IMPORT_QUEUE, importJobData } from "@/lib/imports/queue";
import { POLLING_SECONDS } from "@/lib/queue/boss";

/**
 * Downloads of URL imports. Not a video job: the video row only appears once the file is complete
 * (lib/imports), so this registers on its own instead of going through the video pipeline runner.
 * A killed worker leaves its partial file in tmp/imports/; the retry continues it with Range.
 */
export const IMPORT_URL_POLICY = {
  /** Network trouble is worth a few tries; permanent failures (404, HTML, too big) do not retry. */
  retryLimit: 5,
  retryDelay: 30,
  retryBackoff: true,
  /** The import's own time limit, plus a margin; pg-boss caps one attempt at 24 h. */
  expireInSeconds: Math.min(24 * 3600, env.REEL_IMPORT_TIMEOUT_SECONDS + 120),
  heartbeatSeconds: 30,
  /** Downloads wait on the network, not the CPU; a few at once per worker. */
  concurrency: 2,
} as const;

/** Registers the import-url handler on a started pg-boss; returns a function that stops taking jobs. */
export async function startImportUrlWorker(boss: PgBoss, { log = childLogger("worker") }: { log?: Logger } = {}) {
  const { concurrency, ...policy } = IMPORT_URL_POLICY;
  await ensureImportQueue(boss);
  await boss.updateQueue(IMPORT_QUEUE, policy);
  await boss.work(
    IMPORT_QUEUE,
    { localConcurrency: concurrency, includeMetadata: true, pollingIntervalSeconds: POLLING_SECONDS },
    async ([job]: JobWithMetadata<{ importId: string }>[]) => {
      const { importId } = importJobData.parse(job.data);
      log.info({ job: "import-url", importId, attempt: job.retryCount + 1 }, "import starting");
      await runImport(importId, { signal: job.signal, finalAttempt: job.retryCount >= job.retryLimit });
    },
  );
  // Running downloads are not awaited: stopping the queue aborts them, and their partial files let the retry resume.
  return () => boss.offWork(IMPORT_QUEUE, { wait: false });
}
