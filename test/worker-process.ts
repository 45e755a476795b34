import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

/**
 * Starts workers/index.ts in a process of its own, as the launcher does (IPC channel), with the test's environment plus
 * `env`. `child` is there at once, for the caller to keep and kill; `ready` settles when the worker takes jobs, or
 * fails with its stderr if it exits first.
 */
export function startWorkerProcess(env: Record<string, string> = {}): { child: ChildProcess; ready: Promise<void> } {
  const child = spawn(process.execPath, ["--import", "tsx", path.resolve("workers/index.ts")], {
    stdio: ["ignore", "ignore", "pipe", "ipc"],
    env: { ...process.env, ...env },
  });
  const ready = new Promise<void>((resolve, reject) => {
    let stderr = "";
    child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk));
    child.on("message", (m: { type?: string }) => m?.type === "ready" && resolve());
    child.on("exit", (code) => reject(new Error(`worker exited (${code}): ${stderr}`)));
  });
  return { child, ready };
}
