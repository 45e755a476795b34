import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

// "No live worker" needs a heartbeat table of its own.
const { fresh } = await vi.hoisted(async () => {
  const { freshDatabase } = await import("@/test/fresh-database");
  return { fresh: await freshDatabase() };
});

import { createDb, db } from "@/lib/db/client";
import { workerHeartbeats } from "@/lib/db/schema";
import { selfTestFfmpeg } from "@/lib/ffmpeg/locate";
import { freePort } from "@/scripts/lib/ports";
import { checkHealth } from "./health";
import { upsertHeartbeat } from "./heartbeats";

let localFfmpeg: string;
beforeAll(async () => {
  const test = await selfTestFfmpeg();
  localFfmpeg = test.ok && test.version ? test.version : "missing";
});
afterAll(() => fresh.drop());

describe("health", () => {
  it("reports the database down with 503 when it cannot be reached", async () => {
    // Nothing listens there: a database that is down.
    const deadPort = await freePort(40000);
    const dead = createDb(`postgres://postgres@127.0.0.1:${deadPort}/reel`, { max: 1, connectTimeout: 2 });
    try {
      const result = await checkHealth({ db: dead.db });
      expect(result).toEqual({ httpStatus: 503, body: { status: "down", db: "down", worker: "down", ffmpeg: localFfmpeg } });
    } finally {
      await dead.sql.end();
    }
  });

  it("says the worker is down without a recent heartbeat, and reports this machine's ffmpeg", async () => {
    expect(await checkHealth()).toEqual({ httpStatus: 200, body: { status: "ok", db: "ok", worker: "down", ffmpeg: localFfmpeg } });
  });

  it("says the worker is ok while its heartbeat is fresh, with the worker's ffmpeg", async () => {
    await upsertHeartbeat({ id: "w-fresh", hostname: "elsewhere", pid: 1, ffmpegVersion: "9.9-test", capabilities: {} });
    expect((await checkHealth()).body).toEqual({ status: "ok", db: "ok", worker: "ok", ffmpeg: "9.9-test" });

    // A worker whose self-test failed reports no version: processing cannot work.
    await upsertHeartbeat({ id: "w-fresh", hostname: "elsewhere", pid: 1, ffmpegVersion: null, capabilities: { problems: ["missing"] } });
    expect((await checkHealth()).body).toMatchObject({ worker: "ok", ffmpeg: "missing" });

    // 20 s without a beat: gone.
    await db.update(workerHeartbeats).set({ heartbeatAt: sql`now() - interval '20 seconds'` });
    expect((await checkHealth()).body).toMatchObject({ worker: "down", ffmpeg: localFfmpeg });
  });
});
