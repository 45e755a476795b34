import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export type WorkerProcess = { child: ChildProcess; dataDir: string };

/**
 * Starts Reel's worker process (`workers/index.ts`, as `npm run worker` does) with the test's environment
 * plus `env` and a data folder of its own (no disk shared with anyone), and resolves once it takes jobs.
 */
export function startWorkerProcess(env: Record<string, string> = {}): Promise<WorkerProcess> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "reel-worker-"));
  const child = spawn(process.execPath, ["--import", "tsx", "workers/index.ts"], {
    stdio: ["ignore", "ignore", "pipe", "ipc"],
    env: { ...process.env, ...env, REEL_DATA_DIR: dataDir },
  });
  return new Promise((resolve, reject) => {
    let stderr = "";
    child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk));
    child.on("message", (m: { type?: string }) => m?.type === "ready" && resolve({ child, dataDir }));
    child.on("exit", (code) => reject(new Error(`worker exited (${code}): ${stderr}`)));
  });
}
