import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

export type WebProcess = { child: ChildProcess; url: string; exited: Promise<number | null> };

/**
 * Starts Reel's web process (./web-process-main.ts) on `port` with the test's environment plus
 * `env`, and resolves once it listens. Its log goes to the test's stderr when LOG_LEVEL asks for it.
 */
export function startWebProcess(port: number, env: Record<string, string> = {}): Promise<WebProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", path.resolve("test/web-process-main.ts")], {
    env: { ...process.env, ...env, PORT: String(port), HOST: "127.0.0.1" },
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    child.on("message", (m: { type?: string }) => m?.type === "ready" && resolve({ child, url: `http://127.0.0.1:${port}`, exited }));
    void exited.then((code) => reject(new Error(`the web process exited during start-up (${code})`)));
  });
}
