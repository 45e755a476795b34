import { sql as drizzleSql } from "drizzle-orm";
import { fromDrizzle } from "pg-boss";
import type { Tx } from "@/lib/db/client";
import { producerBoss } from "./boss";
import { type JobData, type JobName, parseJobData } from "./jobs";

export type EnqueueOptions = {
  /** Send inside this Drizzle transaction: the job exists if and only if the transaction commits. */
  tx?: Tx;
  /** Delay before the job may start, in seconds. */
  startAfterSeconds?: number;
};

/** Validates the payload and queues the job; returns the pg-boss job id. */
export async function enqueue<N extends JobName>(name: N, data: JobData<N>, options: EnqueueOptions = {}): Promise<string> {
  const payload = parseJobData(name, data);
  const boss = await producerBoss();
  const id = await boss.send(name, payload, {
    ...(options.tx ? { db: fromDrizzle(options.tx, drizzleSql) } : {}),
    ...(options.startAfterSeconds ? { startAfter: options.startAfterSeconds } : {}),
  });
  if (!id) throw new Error(`the queue refused job ${name}`);
  return id;
}
