import fs from "node:fs/promises";
import { runMigrations } from "@/lib/db/migrate";
import { env, paths } from "@/lib/env";
import { readOrCreateSecret, resolveAppSecrets } from "@/lib/secrets";
import { buildStatus, runBuild, serverEntry } from "./build";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "./embedded-postgres";
import { createOutput } from "./output";
import { Supervised } from "./supervisor";

/**
 * The process tree of `npm start`:
 *   launcher ─┬─ embedded Postgres (unless DATABASE_URL is set)
 *             ├─ web: lib/server/main.ts (Next behind Reel's HTTP server)
 *             └─ REEL_WORKERS × workers/index.ts
 * (compiled by the build into .next/reel/; run from source through tsx with --dev).
 * Children are stopped first and Postgres last, on Ctrl-C, SIGTERM or SIGHUP.
 */
/**
 * V8 lets the young generation grow to 16 MiB semi-spaces under a steady stream of short-lived objects (a thousand
 * media streams, a burst of page renders) and keeps the memory after. At 2 MiB the web process measured (npm run
 * bench:load) 252–267 MB RSS at rest instead of 290–329, 273–287 MB once 1,000 range streams had ended instead of
 * 433–491, and a lower peak under catalog bursts (518–536 MB instead of 569–657), for the same CPU per request.
 */
const WEB_NODE_OPTIONS = ["--max-semi-space-size=2"];

export async function launch({ dev }: { dev: boolean }) {
  const startedAt = performance.now();
  const root = process.cwd();
  const { root: rootLog, childOutput } = createOutput(env.LOG_LEVEL);
  const log = rootLog.child({ component: "launcher" });
  const seconds = () => Math.round(performance.now() - startedAt) / 1000;
  log.info({ pid: process.pid, dataDir: paths.data, dev }, `starting Reel (launcher pid ${process.pid})`);

  let embedded: EmbeddedPostgres | undefined;
  const children: Supervised[] = [];
  let shuttingDown: Promise<never> | undefined;

  const shutdown = (reason: string, exitCode: number): Promise<never> =>
    (shuttingDown ??= (async () => {
      log.info({ reason }, "stopping Reel");
      await Promise.all(children.map((c) => c.stop()));
      await embedded?.stop();
      log.info("stopped");
      process.exit(exitCode);
    })());

  let firstSignalAt = 0;
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.on(signal, () => {
      // npm forwards the terminal's Ctrl-C, so one press arrives twice: only a later one is news.
      if (firstSignalAt && Date.now() - firstSignalAt > 1000) log.warn("already stopping; waiting for the children to finish");
      firstSignalAt ||= Date.now();
      void shutdown(signal, 0);
    });
  }

  try {
    await fs.mkdir(paths.data, { recursive: true });
    const secrets = await resolveAppSecrets(paths.keys, env);

    const prepareDatabase = async () => {
      if (env.DATABASE_URL) return env.DATABASE_URL;
      embedded = await startEmbeddedPostgres({
        dataDir: paths.pg,
        port: env.REEL_PG_PORT,
        password: await readOrCreateSecret(paths.keys, "postgresPassword"),
        log: rootLog.child({ component: "postgres" }),
      });
      void embedded.exited.then(({ code, signal }) => {
        if (shuttingDown) return;
        log.fatal({ code, signal }, "the embedded Postgres stopped unexpectedly; stopping Reel");
        void shutdown("postgres exited", 1);
      });
      return embedded.url;
    };
    const buildIfNeeded = async () => {
      if (dev) return;
      const status = await buildStatus(root);
      if (!status.needed) return;
      log.info({ reason: status.reason }, `building the web app (${status.reason}); this takes a minute`);
      await runBuild(root, { ...process.env, ...secrets }, log);
    };

    // The build (tens of seconds) and the database (about a second) do not depend on each other.
    const [databaseUrl] = await Promise.all([
      prepareDatabase().then(async (url) => {
        await runMigrations(url);
        return url;
      }),
      buildIfNeeded(),
    ]);

    const childEnv: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: dev ? "development" : "production",
      DATABASE_URL: databaseUrl,
      REEL_DATA_DIR: paths.data,
      ...secrets,
    };
    const web = new Supervised(
      { name: "web", script: serverEntry(root, "web", { dev }), nodeOptions: WEB_NODE_OPTIONS, env: childEnv, output: childOutput, fatalBeforeReady: true },
      log,
    );
    children.push(web);
    for (let i = 1; i <= env.REEL_WORKERS; i++) {
      children.push(
        new Supervised(
          { name: `worker-${i}`, script: serverEntry(root, "worker", { dev }), env: childEnv, output: childOutput, fatalBeforeReady: false },
          log,
        ),
      );
    }
    for (const child of children) child.start();
    await web.ready;
    log.info({ seconds: seconds(), workers: env.REEL_WORKERS }, "Reel is ready");
    console.log(`Reel is running at http://localhost:${env.PORT}`);
  } catch (error) {
    log.fatal({ err: error }, `Reel could not start: ${(error as Error).message}`);
    await shutdown("start-up failed", 1);
  }
}
