import { sql as drizzleSql } from "drizzle-orm";
import { fromDrizzle, type PgBoss } from "pg-boss";
import type { Tx } from "@/lib/db/client";
import { producerBoss } from "./boss";
import { type JobData, type JobName, parseJobData } from "./jobs";

export type EnqueueOptions = {
  /** Send inside this Drizzle transaction: the job exists if and only if the transaction commits. */
  tx?: Tx;
  /** Delay before the job may start, in seconds. */
  startAfterSeconds?: number;
  /** At most one job of this queue is sent in each such window; later sends in it are dropped (the id is then null). */
  oncePerSeconds?: number;
};

/** Validates the payload and queues the pipeline job; returns the pg-boss job id. */
export async function enqueue<N extends JobName>(name: N, data: JobData<N>, options: EnqueueOptions = {}): Promise<string> {
  return sendJob(await producerBoss(), name, parseJobData(name, data), options);
}

/**
 * The one way Reel sends a job, to the pipeline's queues (enqueue) and to the import queue (lib/imports/queue.ts),
 * each caller having validated its payload; returns the pg-boss job id.
 */
export async function sendJob(boss: PgBoss, queue: string, payload: object, options: EnqueueOptions & { oncePerSeconds: number }): Promise<string | null>;
export async function sendJob(boss: PgBoss, queue: string, payload: object, options?: EnqueueOptions): Promise<string>;
export async function sendJob(boss: PgBoss, queue: string, payload: object, options: EnqueueOptions = {}): Promise<string | null> {
  const id = await boss.send(queue, payload, {
    ...(options.tx ? { db: fromDrizzle(options.tx, drizzleSql) } : {}),
    ...(options.startAfterSeconds ? { startAfter: options.startAfterSeconds } : {}),
    ...(options.oncePerSeconds ? { singletonKey: queue, singletonSeconds: options.oncePerSeconds } : {}),
  });
  if (!id && !options.oncePerSeconds) throw new Error(`the queue refused job ${queue}`);
  return id;
}
