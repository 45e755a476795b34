import { eq, sql } from "drizzle-orm";
import { db as defaultDb, type Db } from "@/lib/db/client";
import { workerHeartbeats, type NewWorkerHeartbeat } from "@/lib/db/schema";

/** A worker counts as alive while its last heartbeat is younger than this (it beats every 5 s). */
export const WORKER_ALIVE_SECONDS = 15;

export async function upsertHeartbeat(row: NewWorkerHeartbeat, db: Db = defaultDb) {
  await db
    .insert(workerHeartbeats)
    .values({ ...row, heartbeatAt: sql`now()` })
    .onConflictDoUpdate({
      target: workerHeartbeats.id,
      set: { heartbeatAt: sql`now()`, ffmpegVersion: row.ffmpegVersion ?? null, capabilities: row.capabilities ?? {}, currentJobs: row.currentJobs ?? [] },
    });
}

export async function removeHeartbeat(id: string, db: Db = defaultDb) {
  await db.delete(workerHeartbeats).where(eq(workerHeartbeats.id, id));
}

/** The most recent live worker, judged by the database clock so workers on other machines need no clock sync. */
export async function newestLiveWorker(db: Db = defaultDb) {
  const [row] = await db
    .select({ id: workerHeartbeats.id, ffmpegVersion: workerHeartbeats.ffmpegVersion, heartbeatAt: workerHeartbeats.heartbeatAt })
    .from(workerHeartbeats)
    .where(sql`${workerHeartbeats.heartbeatAt} > now() - make_interval(secs => ${WORKER_ALIVE_SECONDS})`)
    .orderBy(sql`${workerHeartbeats.heartbeatAt} desc`)
    .limit(1);
  return row ?? null;
}
