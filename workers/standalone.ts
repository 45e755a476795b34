import { closeDb } from "@/lib/db/client";
import { childLogger } from "@/lib/log";
import { createBoss } from "@/lib/queue/boss";
import { startPipelineWorkers } from "./pipeline";

/**
 * A worker process that runs only the video pipeline, without the launcher: used by the crash
 * tests and the benchmark. `--supervise-seconds N` makes its supervisor sweep for dead jobs
 * more often than the default.
 */
const log = childLogger("worker");
const superviseArg = process.argv.indexOf("--supervise-seconds");
const supervise = superviseArg > 0 ? Number(process.argv[superviseArg + 1]) : undefined;

const boss = createBoss("worker", supervise ? { superviseIntervalSeconds: supervise, monitorIntervalSeconds: supervise } : {});
await boss.start();
const stop = await startPipelineWorkers(boss, { log });
process.stdout.write("worker ready\n");

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    await stop(2000).catch((err) => log.error({ err }, "stopping the queue failed"));
    await closeDb();
    process.exit(0);
  });
}
