import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pino from "pino";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { env } from "@/lib/env";
import { freePort } from "@/scripts/lib/ports";
import { processState, startEmbeddedPostgres, unreachableFolder } from "./embedded-postgres";

const log = pino({ level: "silent" });
const password = randomBytes(16).toString("hex");
const isRoot = process.getuid?.() === 0;
let root: string;

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), "reel-embedded-"));
  await fs.chmod(root, 0o755);
});
afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

/** Ports above the ones `npm start` and `npm test` use, inside the same configured range. */
const port = () => freePort(env.REEL_PG_PORT + 20);

async function query<T extends readonly object[]>(url: string, run: (sql: postgres.Sql) => Promise<T>) {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    return await run(sql);
  } finally {
    await sql.end();
  }
}

const alive = (pid: number) => processState(pid) === "alive";

describe("embedded Postgres", () => {
  it("creates the cluster once and keeps data across restarts", async () => {
    const dataDir = path.join(root, "restart", "pg");
    // A temporary folder of this test's own (os.tmpdir() follows TMPDIR), to see what initdb leaves there.
    const scratch = path.join(root, "scratch");
    await fs.mkdir(scratch, { mode: 0o755 });
    const savedTmp = process.env.TMPDIR;
    process.env.TMPDIR = scratch;
    const first = await startEmbeddedPostgres({ dataDir, port: await port(), password, log }).finally(() => {
      if (savedTmp === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = savedTmp;
    });
    // The superuser password never stays behind in a temporary file.
    expect(await fs.readdir(scratch)).toEqual([]);
    expect(first.url).toMatch(/^postgres:\/\/postgres:[0-9a-f]+@127\.0\.0\.1:\d+\/reel$/);
    await query(first.url, (sql) => sql`create table kept (v text); insert into kept values ('survives')`.simple());
    // Listens on TCP only: no Unix socket anywhere.
    const sockets = await query(first.url, (sql) => sql`select current_setting('unix_socket_directories') as dirs, current_setting('listen_addresses') as addr`);
    expect(sockets[0]).toEqual({ dirs: "", addr: "127.0.0.1" });
    await first.stop();
    expect(alive(first.pid)).toBe(false);
    const pgVersionTime = (await fs.stat(path.join(dataDir, "PG_VERSION"))).mtimeMs;

    const second = await startEmbeddedPostgres({ dataDir, port: await port(), password, log });
    try {
      expect(await query(second.url, (sql) => sql`select v from kept`)).toEqual([{ v: "survives" }]);
      expect((await fs.stat(path.join(dataDir, "PG_VERSION"))).mtimeMs).toBe(pgVersionTime);
    } finally {
      await second.stop();
    }
    if (isRoot) expect((await fs.stat(dataDir)).mode & 0o777).toBe(0o700);
  });

  it("removes a stale postmaster.pid whose process is gone", async () => {
    const dataDir = path.join(root, "stale", "pg");
    const pg = await startEmbeddedPostgres({ dataDir, port: await port(), password, log, ephemeral: true });
    await pg.stop();
    // A pid that certainly ended: a child that has exited.
    const gone = spawn("true");
    await new Promise((resolve) => gone.once("exit", resolve));
    await fs.writeFile(path.join(dataDir, "postmaster.pid"), `${gone.pid}\n${dataDir}\n1700000000\n55555\n\n127.0.0.1\n  1234   5678\nready   \n`);

    const again = await startEmbeddedPostgres({ dataDir, port: await port(), password, log, ephemeral: true });
    try {
      expect(await query(again.url, (sql) => sql`select 1 as one`)).toEqual([{ one: 1 }]);
    } finally {
      await again.stop();
    }
  });

  it("stops a Postgres orphaned by a killed launcher, then starts with the data intact", async () => {
    const dataDir = path.join(root, "orphan", "pg");
    const firstPort = await port();
    const script = path.join(root, "launcher.mts");
    await fs.writeFile(
      script,
      `import { createRequire } from "node:module";
       import { startEmbeddedPostgres } from ${JSON.stringify(path.resolve("scripts/lib/embedded-postgres.ts"))};
       const pino = createRequire(${JSON.stringify(path.resolve("package.json"))})("pino");
       const pg = await startEmbeddedPostgres({ dataDir: ${JSON.stringify(dataDir)}, port: ${firstPort}, password: ${JSON.stringify(password)}, log: pino({ level: "silent" }), ephemeral: true });
       console.log(JSON.stringify({ pid: pg.pid, url: pg.url }));
       setInterval(() => {}, 1000);`,
    );
    const launcher = spawn(process.execPath, ["--import", "tsx", script], { cwd: process.cwd(), stdio: ["ignore", "pipe", "inherit"] });
    const started = await new Promise<{ pid: number; url: string }>((resolve, reject) => {
      launcher.stdout.once("data", (d) => resolve(JSON.parse(String(d))));
      launcher.once("exit", (code) => reject(new Error(`launcher exited with ${code}`)));
    });
    await query(started.url, (sql) => sql`create table kept (v text); insert into kept values ('after kill -9')`.simple());

    launcher.kill("SIGKILL");
    await new Promise((resolve) => launcher.once("exit", resolve));
    expect(alive(started.pid)).toBe(true);

    const recovered = await startEmbeddedPostgres({ dataDir, port: await port(), password, log, ephemeral: true });
    try {
      expect(alive(started.pid)).toBe(false);
      expect(await query(recovered.url, (sql) => sql`select v from kept`)).toEqual([{ v: "after kill -9" }]);
    } finally {
      await recovered.stop();
    }
  });

  it.runIf(isRoot)("places the cluster where the postgres user can reach it when a parent folder is private", async () => {
    const fallbackRoot = path.join(root, "fallback");
    const privateDir = path.join(root, "private");
    await fs.mkdir(privateDir, { mode: 0o700 });
    await fs.chmod(privateDir, 0o700);
    const dataDir = path.join(privateDir, "data", "pg");

    const pg = await startEmbeddedPostgres({ dataDir, port: await port(), password, log, fallbackRoot, ephemeral: true });
    try {
      expect(pg.dataDir.startsWith(path.join(fallbackRoot, "clusters"))).toBe(true);
      expect(await fs.realpath(dataDir)).toBe(pg.dataDir);
      await query(pg.url, (sql) => sql`create table kept (v text); insert into kept values ('relocated')`.simple());
    } finally {
      await pg.stop();
    }
    const again = await startEmbeddedPostgres({ dataDir, port: await port(), password, log, fallbackRoot, ephemeral: true });
    try {
      expect(again.dataDir).toBe(pg.dataDir);
      expect(await query(again.url, (sql) => sql`select v from kept`)).toEqual([{ v: "relocated" }]);
    } finally {
      await again.stop();
    }
  });
});

describe("unreachableFolder", () => {
  it("finds the first folder another user cannot enter", async () => {
    const stranger = { uid: 54321, gids: [54321] };
    const open = path.join(root, "open", "inner");
    await fs.mkdir(open, { recursive: true });
    expect(await unreachableFolder(open, stranger)).toBeNull();

    const closed = path.join(root, "closed");
    await fs.mkdir(path.join(closed, "inner"), { recursive: true });
    await fs.chmod(closed, 0o700);
    expect(await unreachableFolder(path.join(closed, "inner", "not-yet"), stranger)).toBe(closed);
    // Traversal (x) is enough; listing (r) is not needed.
    await fs.chmod(closed, 0o711);
    expect(await unreachableFolder(path.join(closed, "inner"), stranger)).toBeNull();
    // Group permission counts for members.
    const owner = (await fs.stat(closed)).gid;
    await fs.chmod(closed, 0o710);
    expect(await unreachableFolder(closed, { uid: 54321, gids: [owner] })).toBeNull();
  });
});
