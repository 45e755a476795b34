import { spawn } from "node:child_process";
import path from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";

// Counting heartbeat rows needs a table no other test's worker writes to.
const { fresh } = await vi.hoisted(async () => {
  const { freshDatabase } = await import("@/test/fresh-database");
  return { fresh: await freshDatabase() };
});

import { db } from "@/lib/db/client";
import { workerHeartbeats } from "@/lib/db/schema";
import { checkHealth } from "@/lib/system/health";

afterAll(() => fresh.drop());

/** Starts workers/index.ts as the launcher does (IPC channel, own environment) and waits for "ready". */
async function startWorker(extraEnv: Record<string, string> = {}) {
  const child = spawn(process.execPath, ["--import", "tsx", path.resolve("workers/index.ts")], {
    env: { ...process.env, DATABASE_URL: fresh.url, LOG_LEVEL: "info", ...extraEnv },
    stdio: ["ignore", "pipe", "inherit", "ipc"],
  });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  await new Promise<void>((resolve, reject) => {
    child.on("message", (m: { type?: string }) => m?.type === "ready" && resolve());
    void exited.then((code) => reject(new Error(`worker exited with ${code}: ${output}`)));
  });
  return { child, exited, output: () => output };
}

describe("worker process", () => {
  it("heartbeats with its ffmpeg, and removes its row when stopped", async () => {
    const worker = await startWorker();
    const rows = await db.select().from(workerHeartbeats);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ pid: worker.child.pid, capabilities: { problems: [] } });
    expect((await checkHealth()).body).toMatchObject({ worker: "ok", ffmpeg: rows[0].ffmpegVersion });

    worker.child.kill("SIGTERM");
    expect(await worker.exited).toBe(0);
    expect(await db.select().from(workerHeartbeats)).toEqual([]);
    expect((await checkHealth()).body.worker).toBe("down");
  });

  it("runs without a usable ffmpeg, says why, and the health endpoint shows it missing", async () => {
    const worker = await startWorker({ FFMPEG_PATH: "/nonexistent/ffmpeg" });
    const [row] = await db.select().from(workerHeartbeats);
    expect(row.ffmpegVersion).toBeNull();
    expect(row.capabilities.problems).toContain("ffmpeg (FFMPEG_PATH=/nonexistent/ffmpeg) was not found.");
    expect(worker.output()).toContain("ffmpeg is not usable, videos will not be processed: ffmpeg (FFMPEG_PATH=/nonexistent/ffmpeg) was not found.");
    expect((await checkHealth()).body).toMatchObject({ worker: "ok", ffmpeg: "missing" });

    // The launcher vanishing (kill -9) closes the IPC channel: the worker stops by itself.
    worker.child.disconnect();
    expect(await worker.exited).toBe(0);
    expect(await db.select().from(workerHeartbeats)).toEqual([]);
  });

  it("takes no jobs when ffmpeg cannot start in its sandbox, and says how to install it", async () => {
    const worker = await startWorker({ PATH: "/nonexistent", FFMPEG_PATH: "/usr/bin/ffmpeg", FFPROBE_PATH: "/usr/bin/ffprobe" });
    const [row] = await db.select().from(workerHeartbeats);
    expect(row.ffmpegVersion).toBeNull();
    expect(row.capabilities.problems).toEqual([expect.stringMatching(/^ffmpeg cannot start in its sandbox/), expect.stringContaining("apt-get install bubblewrap")]);
    expect(worker.output()).toContain("ffmpeg is not usable, videos will not be processed: ffmpeg cannot start in its sandbox");
    worker.child.kill("SIGTERM");
    expect(await worker.exited).toBe(0);
  });

  it("runs ffmpeg without its sandbox only when told to, with a warning", async () => {
    const worker = await startWorker({ REEL_FFMPEG_SANDBOX: "off" });
    const [row] = await db.select().from(workerHeartbeats);
    expect(row).toMatchObject({ capabilities: { problems: [], sandbox: false } });
    expect(worker.output()).toContain("REEL_FFMPEG_SANDBOX=off: ffmpeg runs without its sandbox");
    worker.child.kill("SIGTERM");
    expect(await worker.exited).toBe(0);
  });
});
