import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createDatabase, dropDatabase, runMigrations } from "../lib/db/migrate";
import { freePort } from "../scripts/lib/ports";
import { s3TestEnv, startS3Server, type S3TestServer } from "../test/s3-server";

/**
 * Reel as a serverless platform runs it: `next start` alone (the build `npm test` made; no launcher, no Node
 * server with its fast paths) on a database of its own with media and uploads in an S3 bucket (moto_server on
 * loopback: a missing moto_server fails the spec), and `npm run worker` as a separate process with a data folder
 * of its own. Migrations are applied the way such a deployment does it, before the web tier starts.
 */
export type NextOnlyInstance = { url: string; stop: () => Promise<void> };

function started(child: ChildProcess, name: string, log: string[]): Promise<never> {
  return new Promise((_, reject) => child.once("exit", (code) => reject(new Error(`${name} exited (${code}) during start-up:\n${log.join("").slice(-4000)}`))));
}

/** Resolves once `check` holds, polling every 250 ms; rejects on `failed` or after `ms`. */
async function until(what: string, check: () => Promise<boolean>, failed: Promise<never>, ms = 180_000): Promise<void> {
  const deadline = Date.now() + ms;
  let answered = false;
  void failed.catch(() => (answered = true));
  while (!(await check().catch(() => false))) {
    if (answered) return failed;
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${ms / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export async function startNextOnly(): Promise<NextOnlyInstance> {
  const server = process.env.DATABASE_URL;
  if (!server) throw new Error("DATABASE_URL is not set: run the browser tests with `npm test -- --e2e`");
  const stops: (() => Promise<unknown>)[] = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
  };
  try {
    const s3: S3TestServer = await startS3Server({ bucket: "reel-next-only" });
    stops.push(() => s3.stop());
    const name = `reel_next_only_${Date.now()}_${randomBytes(3).toString("hex")}`;
    const databaseUrl = await createDatabase(server, name);
    stops.push(() => dropDatabase(server, name));
    await runMigrations(databaseUrl);

    const port = await freePort(3400);
    const url = `http://127.0.0.1:${port}`;
    const folders = ["web", "worker"].map((n) => fs.mkdtempSync(path.join(os.tmpdir(), `reel-next-only-${n}-`)));
    stops.push(async () => folders.forEach((f) => fs.rmSync(f, { recursive: true, force: true })));
    const common: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: "production",
      DATABASE_URL: databaseUrl,
      AUTH_SECRET: randomBytes(32).toString("hex"),
      REEL_MEDIA_KEYS: `n1:${randomBytes(32).toString("hex")}`,
      REEL_STORAGE: "s3",
      ...s3TestEnv(s3, "reel/"),
      LOG_LEVEL: "warn",
      ...(process.env.FFMPEG_PATH && { FFMPEG_PATH: process.env.FFMPEG_PATH }),
      ...(process.env.REEL_FFMPEG_SANDBOX && { REEL_FFMPEG_SANDBOX: process.env.REEL_FFMPEG_SANDBOX }),
    };
    const spawnLogged = (name: string, command: string, args: string[], env: NodeJS.ProcessEnv) => {
      const log: string[] = [];
      const child = spawn(command, args, { cwd: process.cwd(), env, stdio: ["ignore", "pipe", "pipe"], detached: true });
      child.stdout!.on("data", (c: Buffer) => log.push(c.toString()));
      child.stderr!.on("data", (c: Buffer) => log.push(c.toString()));
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      // Each runs as a process group (npm, tsx, next and their children): stopping it stops them all.
      stops.push(async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        process.kill(-child.pid!, "SIGTERM");
        await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000).unref())]);
        if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, "SIGKILL");
      });
      return { child, failed: started(child, name, log) };
    };

    const web = spawnLogged("next start", path.join("node_modules", ".bin", "next"), ["start", "-H", "127.0.0.1", "-p", String(port)], {
      ...common,
      REEL_DATA_DIR: folders[0],
    });
    const worker = spawnLogged("npm run worker", "npm", ["run", "worker"], { ...common, REEL_DATA_DIR: folders[1] });
    const either = Promise.race([web.failed, worker.failed]);
    await until(
      "the Next-only web tier answering with a live worker",
      async () => {
        const res = await fetch(`${url}/api/health`);
        return res.ok && ((await res.json()) as { worker?: string }).worker === "ok";
      },
      either,
    );
    return { url, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
