import { spawn, type ChildProcess } from "node:child_process";
import { buildStatus, runBuild, serverEntry } from "../lib/build";

/**
 * Reel's web process alone (no launcher, no workers) for the benches that drive it directly: the production build,
 * made first when missing or stale, and the compiled web server `npm start` runs, in its own process group.
 */

export async function ensureBuild(log: (message: string) => void) {
  const status = await buildStatus(process.cwd());
  log(`production build: ${status.reason}`);
  if (!status.needed) return;
  const { logger } = await import("../../lib/log");
  await runBuild(process.cwd(), process.env, logger);
}

/** Starts the web server on 127.0.0.1:`port` with `env`; resolves once `/api/health` answers. */
export async function startWebServer(env: NodeJS.ProcessEnv, port: number): Promise<ChildProcess> {
  const script = serverEntry(process.cwd(), "web", { dev: false });
  const child = spawn(process.execPath, [script], { env: { ...env, PORT: String(port), HOST: "127.0.0.1" }, stdio: ["ignore", "pipe", "pipe"], detached: true });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited:\n${output}`);
    const up = await fetch(`http://127.0.0.1:${port}/api/health`).then((r) => r.status < 500, () => false);
    if (up) return child;
    await new Promise((r) => setTimeout(r, 200));
  }
  await stopWebServer(child);
  throw new Error(`server did not start in 60 s:\n${output}`);
}

export async function stopWebServer(child: ChildProcess) {
  if (child.exitCode !== null || !child.pid) return;
  const exited = new Promise((r) => child.once("exit", r));
  process.kill(-child.pid, "SIGTERM");
  const timer = setTimeout(() => child.pid && process.kill(-child.pid, "SIGKILL"), 5000);
  await exited;
  clearTimeout(timer);
}
