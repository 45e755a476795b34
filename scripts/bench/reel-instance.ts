import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs/promises";

/**
 * A whole Reel started by its launcher (`scripts/start.ts`) for a bench, web only, on 127.0.0.1:`port`,
 * with `admin` created at start; its output goes to `logFile`. Stopping it (SIGTERM to its process
 * group, SIGKILL after 20 s) is added to `cleanups`. Resolves once `/api/health` answers; the launcher
 * builds the app first when the build is missing or stale.
 */
export async function startReelInstance(options: {
  env: NodeJS.ProcessEnv;
  port: number;
  admin: { email: string; password: string };
  logFile: string;
  cleanups: (() => Promise<unknown>)[];
  step: (message: string) => void;
}): Promise<ChildProcess> {
  const { env, port, admin, logFile, cleanups, step } = options;
  const log = await fs.open(logFile, "w");
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts"], {
    env: { ...env, PORT: String(port), HOST: "127.0.0.1", REEL_WORKERS: "0", REEL_ADMIN_EMAIL: admin.email, REEL_ADMIN_PASSWORD: admin.password },
    stdio: ["ignore", log.fd, log.fd],
    detached: true,
  });
  await log.close();
  const failed = async (message: string) => new Error(`${message}\n${(await fs.readFile(logFile, "utf8")).slice(-4000)}`);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  cleanups.push(async () => {
    if (child.exitCode !== null) return;
    process.kill(-child.pid!, "SIGTERM");
    const timer = setTimeout(() => child.exitCode === null && process.kill(-child.pid!, "SIGKILL"), 20_000);
    await exited;
    clearTimeout(timer);
  });
  step("starting Reel (the launcher builds the app first when the build is missing or stale)");
  const until = Date.now() + 10 * 60_000;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw await failed(`Reel exited during start-up (code ${child.exitCode})`);
    const ok = await fetch(`http://127.0.0.1:${port}/api/health`).then((r) => r.status < 500, () => false);
    if (ok) return child;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw await failed("Reel did not become ready in time");
}
