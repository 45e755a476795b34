/**
 * `npm test`: the whole suite against a real Postgres.
 *   1. a Postgres server: DATABASE_URL's when set, else an embedded one in a fresh temporary folder;
 *   2. tsc --noEmit over the whole project, tests included (the build checks only what runs), then vitest
 *      (test/global-setup.ts makes a fresh database on that server);
 *   3. the production build, if it is missing or stale;
 *   4. a full Reel (launcher, web, worker) on a free port, with a fresh database and data folder;
 *   5. Playwright against it, with REEL_E2E_BASE_URL, DATABASE_URL, REEL_DATA_DIR, AUTH_SECRET and
 *      REEL_MEDIA_KEYS of that instance exported;
 * then everything it started is stopped and dropped. The last line sums both runners:
 * `N passed, N failed`. `--unit` runs only vitest, `--e2e` only Playwright; other arguments go
 * to the runner (`npm test -- --unit lib/db`).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { createDatabase, dropDatabase } from "@/lib/db/migrate";
import { env } from "@/lib/env";
import { resolveAppSecrets } from "@/lib/secrets";
import { buildStatus, runBuild } from "./lib/build";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "./lib/embedded-postgres";
import { createOutput } from "./lib/output";
import { freePort } from "./lib/ports";

const root = process.cwd();
const args = process.argv.slice(2);
const only = args.includes("--unit") ? "unit" : args.includes("--e2e") ? "e2e" : null;
const runnerArgs = args.filter((a) => a !== "--unit" && a !== "--e2e");
const { root: rootLog } = createOutput("info");
const log = rootLog.child({ component: "test" });

type Counts = { passed: number; failed: number };
const cleanups: (() => Promise<void>)[] = [];
let cleaning: Promise<void> | undefined;
const cleanup = () =>
  (cleaning ??= (async () => {
    for (const step of cleanups.reverse()) await step().catch((err) => log.warn({ err }, "cleanup step failed"));
  })());

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    log.warn(`${signal}: stopping what the tests started`);
    void cleanup().then(() => process.exit(130));
  });
}

const tmp = await fs.mkdtemp(path.join(os.tmpdir(), "reel-test-run-"));
// Reachable by the postgres user when running as root (mkdtemp makes it 0700).
await fs.chmod(tmp, 0o755);
cleanups.push(() => fs.rm(tmp, { recursive: true, force: true }));

const totals: Counts = { passed: 0, failed: 0 };
/** One line per test that failed, or passed only on its retry (CI retries once), printed again above the totals. */
const verdicts: string[] = [];
/** Whether this run's tsc passed over the whole project: the build it makes then skips its own check of a part of it. */
let typesChecked = false;
let exitCode = 0;
try {
  const server = await databaseServer();
  if (!only) {
    const checked = await typecheck();
    typesChecked = checked.failed === 0;
    add(checked);
  }
  if (only !== "e2e") add(await runVitest(server));
  if (only !== "unit") add(await runE2e(server));
} catch (error) {
  log.error({ err: error }, (error as Error).message);
  exitCode = 1;
} finally {
  await cleanup();
}
if (totals.failed > 0) exitCode = 1;
// Repeated where the run ends, which is what a CI log shows first: each runner prints them amid its own output.
for (const line of verdicts) console.log(line);
console.log(`${totals.passed} passed, ${totals.failed} failed`);
process.exit(exitCode);

function add(counts: Counts) {
  totals.passed += counts.passed;
  totals.failed += counts.failed;
}

/** URL of a maintenance database on the server the tests create their databases on. */
async function databaseServer(): Promise<string> {
  if (env.DATABASE_URL) {
    log.info({ server: redact(env.DATABASE_URL) }, "testing against the Postgres server in DATABASE_URL");
    return env.DATABASE_URL;
  }
  const pg: EmbeddedPostgres = await startEmbeddedPostgres({
    dataDir: path.join(tmp, "pg"),
    port: await freePort(env.REEL_PG_PORT + 1),
    password: randomBytes(16).toString("hex"),
    log: rootLog.child({ component: "postgres" }),
    ephemeral: true,
  });
  cleanups.push(() => pg.stop());
  log.info({ port: new URL(pg.serverUrl).port }, "testing against a fresh embedded Postgres");
  return pg.serverUrl;
}

/** The build type-checks what runs (next.config.ts); the suite checks everything, tests included: one check, counted as one test. */
async function typecheck(): Promise<Counts> {
  log.info("type-checking (tsc --noEmit)");
  const code = await run(process.execPath, [path.join(root, "node_modules", "typescript", "bin", "tsc"), "--noEmit", "-p", "."], process.env);
  if (code !== 0) {
    log.error("type errors: see above");
    verdicts.push("failed: tsc --noEmit (type errors above)");
  }
  return code === 0 ? { passed: 1, failed: 0 } : { passed: 0, failed: 1 };
}

async function runVitest(server: string): Promise<Counts> {
  const report = path.join(tmp, "vitest.json");
  const code = await run(
    process.execPath,
    [path.join(root, "node_modules", "vitest", "vitest.mjs"), "run", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`, ...(only === "unit" ? runnerArgs : [])],
    { ...process.env, TEST_DATABASE_SERVER: server },
  );
  const json = await fs.readFile(report, "utf8").then(JSON.parse, () => null);
  if (!json) return { passed: 0, failed: 1 };
  const counts = { passed: json.numPassedTests as number, failed: json.numFailedTests as number };
  type VitestFile = { name: string; message?: string; assertionResults: { fullName: string; status: string; failureMessages: string[] }[] };
  for (const file of json.testResults as VitestFile[]) {
    const where = path.relative(root, file.name);
    if (file.assertionResults.length === 0 && file.message) verdicts.push(`failed: vitest ${where}: ${firstLine(file.message)}`);
    for (const test of file.assertionResults) {
      if (test.status === "failed") verdicts.push(`failed: vitest ${where} › ${test.fullName}: ${firstLine(test.failureMessages[0])}`);
      else if (test.status === "passed" && test.failureMessages.length > 0) verdicts.push(`flaky (passed on its retry): vitest ${where} › ${test.fullName}: ${firstLine(test.failureMessages[0])}`);
    }
  }
  // A crash outside any test (a failing global setup, a file that does not load) is a failure too.
  if (code !== 0 && counts.failed === 0) counts.failed = 1;
  return counts;
}

async function runE2e(server: string): Promise<Counts> {
  const status = await buildStatus(root);
  if (status.needed) {
    log.info({ reason: status.reason }, "building for the browser tests");
    await runBuild(root, typesChecked ? { ...process.env, REEL_BUILD_TYPES_CHECKED: "1" } : process.env, log);
  }

  const name = `reel_e2e_${Date.now()}_${randomBytes(3).toString("hex")}`;
  const databaseUrl = await createDatabase(server, name);
  cleanups.push(() => dropDatabase(server, name));
  const dataDir = path.join(tmp, "e2e-data");
  const port = await freePort(env.PORT + 1);
  const baseUrl = `http://127.0.0.1:${port}`;
  const logFile = path.join(tmp, "reel.log");

  // Generated the way the launcher does, in the instance's data folder (where it finds and reuses
  // them); specs that forge a session or sign a media URL get them too.
  const secrets = await resolveAppSecrets(path.join(dataDir, "keys"), {});
  const instanceEnv: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    DATABASE_URL: databaseUrl,
    REEL_DATA_DIR: dataDir,
    PORT: String(port),
    HOST: "127.0.0.1",
    REEL_WORKERS: "1",
    LOG_LEVEL: "info",
    // Sign-in rate-limit specs play many clients through X-Forwarded-For, so they never lock out 127.0.0.1.
    REEL_TRUST_PROXY: "1",
    // Play a link specs paste URLs of an nginx on loopback; every other address class stays refused.
    REEL_UNSAFE_ALLOW_LOOPBACK_FETCH: "1",
  };
  // The first-run specs need an instance without users.
  for (const key of ["REEL_ADMIN_EMAIL", "REEL_ADMIN_PASSWORD", "AUTH_SECRET", "REEL_MEDIA_KEYS", "TEST_DATABASE_SERVER"]) delete instanceEnv[key];

  const output = createWriteStream(logFile);
  const reel = spawn(process.execPath, ["--import", "tsx", path.join(root, "scripts", "start.ts")], { cwd: root, env: instanceEnv, stdio: ["ignore", "pipe", "pipe"] });
  reel.stdout!.pipe(output);
  reel.stderr!.pipe(output);
  const reelExited = new Promise<number | null>((resolve) => reel.once("exit", resolve));
  cleanups.push(() => stopInstance(reel, reelExited));

  let failed = true;
  try {
    const started = Date.now();
    await waitForInstance(baseUrl, reelExited);
    log.info({ baseUrl, seconds: (Date.now() - started) / 1000 }, "Reel instance for the browser tests is up");

    const report = path.join(tmp, "playwright.json");
    const code = await run(
      process.execPath,
      [path.join(root, "node_modules", "@playwright", "test", "cli.js"), "test", "--reporter=list,json", "--pass-with-no-tests", ...(only === "e2e" ? runnerArgs : [])],
      { ...process.env, ...secrets, REEL_E2E_BASE_URL: baseUrl, DATABASE_URL: databaseUrl, REEL_DATA_DIR: dataDir, PLAYWRIGHT_JSON_OUTPUT_NAME: report },
    );
    const json = await fs.readFile(report, "utf8").then(JSON.parse, () => null);
    const stats = json?.stats ?? {};
    const counts = { passed: (stats.expected ?? 0) + (stats.flaky ?? 0), failed: stats.unexpected ?? 0 };
    for (const { spec, status } of playwrightTests(json?.suites ?? [])) {
      const title = `playwright ${spec.file}:${spec.line} › ${spec.title}`;
      if (status === "unexpected") verdicts.push(`failed: ${title}`);
      else if (status === "flaky") verdicts.push(`flaky (passed on its retry): ${title}`);
    }
    if (code !== 0 && counts.failed === 0) counts.failed = 1;
    failed = counts.failed > 0;
    return counts;
  } finally {
    if (failed) {
      // Keep the instance's log where CI artefacts are collected.
      await fs.mkdir(path.join(root, "test-results"), { recursive: true });
      await fs.copyFile(logFile, path.join(root, "test-results", "reel-e2e.log")).catch(() => undefined);
      log.error("the browser tests failed; the Reel instance's log is in test-results/reel-e2e.log");
    }
  }
}

type PlaywrightSuite = { suites?: PlaywrightSuite[]; specs?: { title: string; file: string; line: number; tests: { status: string }[] }[] };
function* playwrightTests(suites: PlaywrightSuite[]): Generator<{ spec: NonNullable<PlaywrightSuite["specs"]>[number]; status: string }> {
  for (const suite of suites) {
    for (const spec of suite.specs ?? []) for (const test of spec.tests) yield { spec, status: test.status };
    yield* playwrightTests(suite.suites ?? []);
  }
}

function firstLine(text: string | undefined): string {
  return (text ?? "").split("\n")[0].slice(0, 300);
}

/** Up means: the health endpoint answers 200 and a worker has reported in. */
async function waitForInstance(baseUrl: string, exited: Promise<number | null>) {
  let gone: number | null | undefined;
  void exited.then((code) => (gone = code));
  const deadline = Date.now() + 180_000;
  let last = "";
  while (Date.now() < deadline) {
    if (gone !== undefined) throw new Error(`the Reel instance exited during start-up (code ${gone}); see test-results/reel-e2e.log`);
    try {
      const response = await fetch(`${baseUrl}/api/health`);
      const body = await response.text();
      last = `${response.status} ${body}`;
      if (response.ok && JSON.parse(body).worker === "ok") return;
    } catch (error) {
      last = (error as Error).message;
    }
    await sleep(250);
  }
  throw new Error(`the Reel instance did not become healthy within 180 s (last answer: ${last})`);
}

async function stopInstance(reel: ChildProcess, exited: Promise<number | null>) {
  if (reel.exitCode !== null || reel.signalCode !== null) return;
  reel.kill("SIGTERM");
  const timeout = sleep(30_000, "timeout" as const, { ref: false });
  if ((await Promise.race([exited, timeout])) === "timeout") {
    log.warn("the Reel instance did not stop within 30 s; killing it");
    reel.kill("SIGKILL");
  }
}

function run(command: string, commandArgs: string[], runEnv: NodeJS.ProcessEnv): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, commandArgs, { cwd: root, env: runEnv, stdio: ["ignore", "inherit", "inherit"] });
    child.once("error", reject);
    child.once("exit", (code) => resolve(code));
  });
}

function redact(url: string) {
  const u = new URL(url);
  if (u.password) u.password = "***";
  return u.toString();
}
