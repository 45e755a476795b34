import "server-only";
import { PgBoss, type ConstructorOptions } from "pg-boss";
import { env } from "@/lib/env";
import { childLogger } from "@/lib/log";
import { jobNames } from "./jobs";

const log = childLogger("queue");

/**
 * How often a worker's supervisor sweeps for jobs whose heartbeat stopped (a SIGKILLed worker)
 * and for expired jobs. With the per-queue heartbeat of the job files (`heartbeatSeconds`), a job
 * whose worker died is failed and retried within heartbeatSeconds + this interval.
 */
export const SUPERVISE_INTERVAL_SECONDS = 5;

/** How often idle workers poll every queue as a backstop to NOTIFY (also how soon a retried job is picked up). */
export const POLLING_SECONDS = 2;

type Role = "producer" | "worker";

const globalForBoss = globalThis as unknown as { reelBoss?: Promise<PgBoss> };

/**
 * A pg-boss instance in the same Postgres as the app. Producers (web processes) only send jobs:
 * they run no maintenance. Workers also supervise (expiry, heartbeats, retention); pg-boss takes
 * a per-queue lock for that, so any number of workers on any machine can share the queue.
 */
export function createBoss(role: Role, overrides: Partial<ConstructorOptions> = {}): PgBoss {
  if (!env.DATABASE_URL) throw new Error("DATABASE_URL is not set");
  const boss = new PgBoss({
    connectionString: env.DATABASE_URL,
    application_name: `reel-${role}`,
    max: role === "worker" ? 10 : 3,
    useListenNotify: role === "worker",
    supervise: role === "worker",
    schedule: false,
    superviseIntervalSeconds: SUPERVISE_INTERVAL_SECONDS,
    monitorIntervalSeconds: SUPERVISE_INTERVAL_SECONDS,
    ...overrides,
  });
  boss.on("error", (err) => log.error({ err }, "queue error"));
  return boss;
}

/**
 * Creates every queue that does not exist yet, with NOTIFY on so idle workers pick jobs up in
 * milliseconds. `notify` is fixed when a queue is created, so whoever comes first must set it;
 * workers then apply their retry/timeout constants with `updateQueue`.
 */
export async function ensureQueues(boss: PgBoss) {
  const existing = new Set((await boss.getQueues()).map((q) => q.name));
  for (const name of jobNames) {
    if (!existing.has(name)) await boss.createQueue(name, { notify: true });
  }
}

/** The process-wide producer, started once (installs the pg-boss schema on first use). */
export function producerBoss(): Promise<PgBoss> {
  globalForBoss.reelBoss ??= (async () => {
    const boss = createBoss("producer");
    await boss.start();
    await ensureQueues(boss);
    return boss;
  })().catch((err) => {
    globalForBoss.reelBoss = undefined;
    throw err;
  });
  return globalForBoss.reelBoss;
}

export async function stopProducerBoss() {
  const current = globalForBoss.reelBoss;
  globalForBoss.reelBoss = undefined;
  if (current) await (await current).stop({ graceful: false, close: true });
}
