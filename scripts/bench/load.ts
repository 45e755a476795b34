/**
 * `npm run bench:load`: issue 12's load line, on a Reel instance this script starts and removes, all on 127.0.0.1.
 *
 * 1. Range streams: BENCH_CONNECTIONS (default 1,000) connections held by wrk for BENCH_SECONDS (default 60), each
 *    asking for 1 MiB random ranges of a 41 MB file of random bytes (the byte path never parses it) through Reel's
 *    Node fast path (`/media/<token>/<videoId>/mp4/video.mp4`, valid tokens). The reference, measured in the same run
 *    on the same file at the same concurrency: nginx (Debian's, one worker, sendfile). For each it prints req/s, MB/s,
 *    the ratio Reel ÷ nginx (goal ≥ 0.8), errors (non-2xx, socket errors, timeouts after 10 s), p50/p99 latency of
 *    whole 1 MiB responses (wrk), p50/p99 time to first byte (TTFB: 8 probe clients alongside wrk, each opening a new
 *    connection per request, as an arriving viewer does, so accepting is part of it), the peak RSS of the serving
 *    process sampled every 200 ms (goal for Reel's web process: ≤ 400 MB), and its CPU time per request, which
 *    depends far less than req/s on what else the machine runs.
 * 2. Catalog pages: BENCH_CATALOG_CONCURRENCY (default 200) requests at once for the catalog page, as a guest and
 *    signed in, with the page cache cold (a URL not asked for before) and then warm (the same URL again): goal 0 errors.
 *
 * The instance: a fresh database on the server in DATABASE_URL (or an embedded Postgres when unset), a fresh data
 * folder, the real launcher (`scripts/start.ts`, no workers; it builds the app first when the build is missing or
 * stale), an administrator signed in through the credentials endpoint, 48 public videos for the catalog. wrk and nginx
 * are required (apt-get install -y wrk nginx-light). Everything is stopped and deleted at the end, on error, on Ctrl-C,
 * or after a hard time limit.
 */
import { spawn, spawnSync } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import fsp from "node:fs/promises";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { startReelInstance } from "./reel-instance";

const MIB = 1024 * 1024;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 1000);
const CATALOG_CONCURRENCY = Number(process.env.BENCH_CATALOG_CONCURRENCY ?? 200);
const FILE_SIZE = 41 * MIB;
const RANGE = MIB;
const WRK_TIMEOUT_SECONDS = 10;
/** The TTFB probes: how many clients, and each one's pause between requests. */
const PROBE = { clients: 8, pauseMs: 100 };
const RSS_GOAL_MB = 400;
const RATIO_GOAL = 0.8;
const ADMIN = { email: "bench-load-admin@example.test", password: randomBytes(12).toString("base64url") };

const cleanups: (() => Promise<unknown>)[] = [];
const step = (message: string) => console.error(`[bench:load] ${message}`);

type Target = { name: string; port: number; path: string; pids: () => Promise<number[]> };
type Wrk = { requests: number; rps: number; mbps: number; p50: number; p99: number; errors: number; detail: string };
type Probe = { p50: number; p99: number; count: number; errors: number };
type StreamResult = Wrk & { ttfb: Probe; rssBeforeMb: number; rssPeakMb: number; cpuPerRequestUs: number; loadAverage: number };
type PageResult = { name: string; count: number; errors: number; statuses: string; p50: number; p99: number; seconds: number };

async function main() {
  if (spawnSync("wrk", ["--version"]).error) throw new Error("wrk is not installed: apt-get install -y wrk");
  const { findNginx, freePort, startNginx } = await import("@/lib/media/test-support");
  const nginxBin = findNginx();
  if (!nginxBin) throw new Error("nginx is not installed: apt-get install -y nginx-light");

  const dataDir = await fsp.mkdtemp(path.join(os.tmpdir(), "reel-bench-load-"));
  // Readable by nginx's workers and the embedded Postgres user when running as root (mkdtemp makes it 0700).
  await fsp.chmod(dataDir, 0o755);
  cleanups.push(() => fsp.rm(dataDir, { recursive: true, force: true }));
  const port = await freePort(3630, 3659);
  const nginxPort = await freePort(port + 1, 3659);
  const pgPort = await freePort(nginxPort + 1, 3659);
  // lib/env parses the environment once, on first import: everything the instance uses is set before that.
  Object.assign(process.env, {
    REEL_DATA_DIR: dataDir,
    AUTH_SECRET: randomBytes(32).toString("hex"),
    REEL_MEDIA_KEYS: `b1:${randomBytes(32).toString("hex")}`,
    LOG_LEVEL: "warn",
  });
  await createDatabase(pgPort);
  const { paths } = await import("@/lib/env");

  const videoId = randomUUID();
  const file = path.join(paths.media, videoId, "mp4/video.mp4");
  step(`writing a ${FILE_SIZE / MIB} MB file of random bytes`);
  await fsp.mkdir(path.dirname(file), { recursive: true });
  const bytes = randomBytes(FILE_SIZE);
  await fsp.writeFile(file, bytes);

  const base = `http://127.0.0.1:${port}`;
  const launcher = await startReelInstance({ env: { ...process.env, NODE_ENV: "production" }, port, admin: ADMIN, logFile: path.join(dataDir, "reel.log"), cleanups, step });
  const webPid = await webProcess(launcher.pid!);
  const { mediaUrl } = await import("@/lib/media/urls");
  const reel: Target = { name: "Reel (Node fast path)", port, path: mediaUrl(videoId, "mp4/video.mp4", { ttlSeconds: 6 * 3600 }), pids: async () => [webPid] };

  const nginxDir = path.join(dataDir, "nginx");
  await fsp.mkdir(nginxDir, { mode: 0o755 });
  const block = `server {
    listen 127.0.0.1:${nginxPort};
    location /files/ { alias ${paths.media}/; sendfile on; tcp_nopush on; sendfile_max_chunk 2m; }
}`;
  const started = await startNginx(nginxBin, nginxDir, nginxPort, block, 4 * CONNECTIONS);
  cleanups.push(() => started.stop());
  const nginx: Target = { name: "nginx sendfile", port: nginxPort, path: `/files/${videoId}/mp4/video.mp4`, pids: () => processTree(started.pid) };

  for (const target of [reel, nginx]) await checkRange(target, bytes);
  const lua = path.join(dataDir, "ranges.lua");
  await fsp.writeFile(lua, rangesScript());

  const loadBefore = os.loadavg();
  const streams: Record<string, StreamResult> = {};
  for (const target of [reel, nginx]) {
    step(`${target.name}: warm-up, then ${CONNECTIONS} connections for ${SECONDS} s`);
    await runWrk(target, lua, 50, 3);
    streams[target.name] = await measureStreams(target, lua);
  }
  const loadAfter = os.loadavg();

  step(`catalog: ${CATALOG_CONCURRENCY} requests at once, guest and signed in, cold and warm`);
  await seedCatalog();
  const cookie = await signIn(base);
  const rssBeforePages = (await rssKb([webPid])) / 1024;
  const stopSampling = sampleRss([webPid]);
  const pages: PageResult[] = [];
  for (const [who, headers] of [
    ["guest", {}],
    ["signed in", { cookie }],
  ] as const) {
    const url = who === "guest" ? "/videos?sort=title" : "/videos?sort=views";
    pages.push(await burst(base, url, headers, `${who}, page cache cold`));
    pages.push(await burst(base, url, headers, `${who}, page cache warm`));
  }
  const rssPeakPages = (await stopSampling()) / 1024;

  const r = streams[reel.name];
  const n = streams[nginx.name];
  const ratio = r.requests && n.requests ? r.rps / n.rps : NaN;
  const gen = /wrk (\S+)/.exec(spawnSync("wrk", ["--version"], { encoding: "utf8" }).stdout ?? "")?.[1] ?? "";
  console.log("");
  console.log(
    `1 MiB random ranges of a ${FILE_SIZE / MIB} MB file · ${CONNECTIONS} connections (wrk ${gen}, 2 threads, ${WRK_TIMEOUT_SECONDS} s timeout) + ${PROBE.clients} TTFB probes · ${SECONDS} s each · ${os.availableParallelism()} cores`,
  );
  console.log(`load average (1/5/15 min) before ${loadBefore.map((l) => l.toFixed(1)).join(" ")}, after ${loadAfter.map((l) => l.toFixed(1)).join(" ")}`);
  console.log(
    `  ${"server".padEnd(24)}${"req/s".padStart(8)}${"MB/s".padStart(8)}${"errors".padStart(8)}${"latency p50/p99 ms".padStart(22)}${"TTFB p50/p99 ms".padStart(20)}${"RSS before→peak MB".padStart(22)}${"CPU µs/req".padStart(12)}${"load".padStart(7)}`,
  );
  for (const [name, s] of Object.entries(streams)) {
    console.log(
      `  ${name.padEnd(24)}${s.rps.toFixed(0).padStart(8)}${s.mbps.toFixed(0).padStart(8)}${String(s.errors + s.ttfb.errors).padStart(8)}${`${s.p50.toFixed(0)} / ${s.p99.toFixed(0)}`.padStart(22)}${`${s.ttfb.p50.toFixed(1)} / ${s.ttfb.p99.toFixed(1)}`.padStart(20)}${`${s.rssBeforeMb.toFixed(0)} → ${s.rssPeakMb.toFixed(0)}`.padStart(22)}${s.cpuPerRequestUs.toFixed(0).padStart(12)}${s.loadAverage.toFixed(1).padStart(7)}`,
    );
    if (s.detail || s.ttfb.errors) console.log(`    ${name}: ${s.detail}${s.ttfb.errors ? ` probe errors ${s.ttfb.errors}` : ""}`);
  }
  const verdict = (ok: boolean) => (ok ? "met" : "NOT met");
  console.log(`  Reel ÷ nginx, req/s: ${Number.isNaN(ratio) ? "n/a" : `${ratio.toFixed(2)}x`} (goal ≥ ${RATIO_GOAL}x: ${verdict(ratio >= RATIO_GOAL)})`);
  // Server CPU per request hardly depends on what else the machine runs; req/s does.
  console.log(`  server CPU per request, nginx ÷ Reel: ${(n.cpuPerRequestUs / r.cpuPerRequestUs).toFixed(2)}x (1 = as cheap as nginx)`);
  console.log(`  Reel errors: ${r.errors + r.ttfb.errors} (goal 0: ${verdict(r.errors + r.ttfb.errors === 0)})`);
  console.log(`  Reel web process peak RSS: ${r.rssPeakMb.toFixed(0)} MB (goal ≤ ${RSS_GOAL_MB} MB: ${verdict(r.rssPeakMb <= RSS_GOAL_MB)})`);
  console.log("");
  console.log(`Catalog page, ${CATALOG_CONCURRENCY} requests at once (web process RSS ${rssBeforePages.toFixed(0)} → peak ${rssPeakPages.toFixed(0)} MB)`);
  for (const p of pages) {
    console.log(
      `  ${p.name.padEnd(30)} errors ${String(p.errors).padStart(3)}  statuses ${p.statuses.padEnd(10)} p50 ${p.p50.toFixed(0).padStart(6)} ms  p99 ${p.p99.toFixed(0).padStart(6)} ms  all in ${p.seconds.toFixed(1)} s`,
    );
  }
  const pageErrors = pages.reduce((sum, p) => sum + p.errors, 0);
  console.log(`  errors: ${pageErrors} (goal 0: ${verdict(pageErrors === 0)})`);

  await fsp.mkdir("bench-results", { recursive: true });
  await fsp.writeFile(
    "bench-results/load.json",
    JSON.stringify({ at: new Date().toISOString(), seconds: SECONDS, connections: CONNECTIONS, loadBefore, loadAfter, streams, ratio, pages }, null, 2),
  );
}

/** A fresh database on DATABASE_URL's server, or an embedded Postgres in the data folder; dropped or stopped at the end. */
async function createDatabase(pgPort: number): Promise<void> {
  const server = process.env.DATABASE_URL;
  if (server) {
    const { createDatabase, dropDatabase } = await import("@/lib/db/migrate");
    const name = `reel_bench_load_${Date.now()}_${randomBytes(3).toString("hex")}`;
    process.env.DATABASE_URL = await createDatabase(server, name);
    cleanups.push(async () => {
      const { closeDb } = await import("@/lib/db/client");
      await closeDb();
      await dropDatabase(server, name);
    });
    return;
  }
  const password = randomBytes(18).toString("hex");
  process.env.DATABASE_URL = `postgres://postgres:${password}@127.0.0.1:${pgPort}/reel`;
  const [{ startEmbeddedPostgres }, { childLogger }] = await Promise.all([import("@/scripts/lib/embedded-postgres"), import("@/lib/log")]);
  const pg = await startEmbeddedPostgres({ dataDir: path.join(process.env.REEL_DATA_DIR!, "pg"), port: pgPort, password, log: childLogger("bench-pg") });
  if (pg.url !== process.env.DATABASE_URL) throw new Error(`embedded Postgres answered on ${pg.url}, expected ${process.env.DATABASE_URL}`);
  cleanups.push(async () => {
    const { closeDb } = await import("@/lib/db/client");
    await closeDb();
    await pg.stop();
  });
}

/** The web process among the launcher's children (the one running lib/server/main.ts). */
async function webProcess(launcherPid: number): Promise<number> {
  for (const pid of await processTree(launcherPid)) {
    const cmdline = await fsp.readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "");
    if (cmdline.includes("lib/server/main.ts")) return pid;
  }
  throw new Error("no web process (lib/server/main.ts) under the launcher");
}

/** A process and its descendants, from /proc. */
async function processTree(pid: number): Promise<number[]> {
  const out = [pid];
  for (let i = 0; i < out.length; i++) {
    const tasks = await fsp.readdir(`/proc/${out[i]}/task`).catch(() => [] as string[]);
    for (const task of tasks) {
      const children = await fsp.readFile(`/proc/${out[i]}/task/${task}/children`, "utf8").catch(() => "");
      out.push(...children.split(" ").filter(Boolean).map(Number));
    }
  }
  return out;
}

async function rssKb(pids: number[]): Promise<number> {
  let total = 0;
  for (const pid of pids) {
    const status = await fsp.readFile(`/proc/${pid}/status`, "utf8").catch(() => "");
    total += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  }
  return total;
}

/** Samples the summed RSS of `pids` every 200 ms; the returned function stops and gives the peak (kB). */
function sampleRss(pids: number[]): () => Promise<number> {
  let peak = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      peak = Math.max(peak, await rssKb(pids));
      await new Promise((r) => setTimeout(r, 200));
    }
  })();
  return async () => {
    running = false;
    await loop;
    return Math.max(peak, await rssKb(pids));
  };
}

/** Before timing: a range's bytes equal the file's. */
async function checkRange(target: Target, file: Buffer): Promise<void> {
  const start = 12_345_678;
  const reply = await get(target.port, target.path, { range: `bytes=${start}-${start + RANGE - 1}` });
  if (reply.status !== 206 || !reply.body.equals(file.subarray(start, start + RANGE))) {
    throw new Error(`${target.name}: HTTP ${reply.status}, or the bytes differ from the file's`);
  }
}

function get(port: number, urlPath: string, headers: Record<string, string>, agent?: http.Agent): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: "127.0.0.1", port, path: urlPath, headers, agent, timeout: 30_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks) }));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error("no answer in 30 s")));
    req.on("error", reject);
  });
}

function rangesScript(): string {
  return `math.randomseed(${Math.floor(Math.random() * 1e9)})
request = function()
  local s = math.random(0, ${FILE_SIZE - RANGE})
  return wrk.format("GET", nil, { ["Range"] = "bytes=" .. s .. "-" .. (s + ${RANGE - 1}) })
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %f %f %d %d %d %d %d\\n", summary.requests, summary.duration, summary.bytes,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, e.connect, e.read, e.write, e.timeout, e.status))
end
`;
}

function runWrk(target: Target, lua: string, connections: number, seconds: number): Promise<Wrk> {
  return new Promise((resolve, reject) => {
    const args = ["-t2", `-c${connections}`, `-d${seconds}s`, "--timeout", `${WRK_TIMEOUT_SECONDS}s`, "-s", lua, `http://127.0.0.1:${target.port}${target.path}`];
    const child = spawn("wrk", args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.once("error", reject);
    child.once("exit", () => {
      const m = /RESULT (\d+) (\d+) (\d+) (\S+) (\S+) (\d+) (\d+) (\d+) (\d+) (\d+)/.exec(out);
      if (!m) return reject(new Error(`wrk failed: ${out}`));
      const [requests, durationUs, bytes, p50, p99, connect, read, write, timeout, status] = m.slice(1).map(Number);
      const errors = connect + read + write + timeout + status;
      const detail = errors ? `connect ${connect}, read ${read}, write ${write}, timeout ${timeout}, non-2xx ${status}` : "";
      resolve({ requests, rps: requests / (durationUs / 1e6), mbps: bytes / MIB / (durationUs / 1e6), p50, p99, errors, detail });
    });
  });
}

async function measureStreams(target: Target, lua: string): Promise<StreamResult> {
  const pids = await target.pids();
  const loadAverage = os.loadavg()[0];
  const rssBeforeMb = (await rssKb(pids)) / 1024;
  const stopSampling = sampleRss(pids);
  const cpuBefore = await cpuMicroseconds(pids);
  const stopProbes = probeTtfb(target);
  const wrk = await runWrk(target, lua, CONNECTIONS, SECONDS);
  const cpuPerRequestUs = ((await cpuMicroseconds(pids)) - cpuBefore) / wrk.requests;
  const ttfb = await stopProbes();
  const rssPeakMb = (await stopSampling()) / 1024;
  return { ...wrk, ttfb, rssBeforeMb, rssPeakMb, cpuPerRequestUs, loadAverage };
}

/** CPU time (user + system, µs) used so far by `pids`, from /proc. */
async function cpuMicroseconds(pids: number[]): Promise<number> {
  let ticks = 0;
  for (const pid of pids) {
    const stat = await fsp.readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    ticks += Number(fields[11] ?? 0) + Number(fields[12] ?? 0);
  }
  return (ticks * 1e6) / 100; // USER_HZ is 100 on Linux
}

/**
 * PROBE.clients clients, each asking for a 1 MiB range on a new connection, noting the time to the first byte of the answer,
 * then hanging up and pausing PROBE.pauseMs. The returned function stops them and gives the percentiles.
 */
function probeTtfb(target: Target): () => Promise<Probe> {
  const samples: number[] = [];
  let errors = 0;
  let running = true;
  const once = () =>
    new Promise<void>((resolve) => {
      const s = Math.floor(Math.random() * (FILE_SIZE - RANGE));
      const socket = net.connect(target.port, "127.0.0.1");
      let sent = 0;
      const timer = setTimeout(() => socket.destroy(new Error("timeout")), WRK_TIMEOUT_SECONDS * 1000);
      socket.once("connect", () => {
        sent = performance.now();
        socket.write(`GET ${target.path} HTTP/1.1\r\nhost: 127.0.0.1\r\nrange: bytes=${s}-${s + RANGE - 1}\r\n\r\n`);
      });
      socket.once("data", (chunk: Buffer) => {
        if (chunk.subarray(0, 12).toString("latin1") === "HTTP/1.1 206") samples.push(performance.now() - sent);
        else errors++;
        socket.destroy();
      });
      socket.once("error", () => errors++);
      socket.once("close", () => {
        clearTimeout(timer);
        resolve();
      });
    });
  const loops = Array.from({ length: PROBE.clients }, async () => {
    while (running) {
      await once();
      await new Promise((r) => setTimeout(r, PROBE.pauseMs));
    }
  });
  return async () => {
    running = false;
    await Promise.all(loops);
    return { p50: percentile(samples, 50), p99: percentile(samples, 99), count: samples.length, errors };
  };
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** 48 public, ready videos owned by the administrator, so the catalog page has a full grid to render; guests may browse. */
async function seedCatalog(): Promise<void> {
  const { db } = await import("@/lib/db/client");
  const { sql } = await import("drizzle-orm");
  const { setSetting } = await import("@/lib/settings/queries");
  await setSetting("guestAccess", true);
  await db.execute(sql`
    insert into videos (owner_id, title, visibility, status, source_kind, duration, width, height, view_count)
    select u.id, 'Load bench video ' || g, 'public', 'ready', 'upload', 60 + g, 1280, 720, g * 7
    from generate_series(1, 48) g, (select id from users where email = ${ADMIN.email}) u`);
}

/** Signs the administrator in through Auth.js' credentials endpoint, as a script or the login form does. */
async function signIn(base: string): Promise<string> {
  const jar = new Map<string, string>();
  const keep = (response: Response) => {
    for (const header of response.headers.getSetCookie()) {
      const [pair] = header.split(";");
      jar.set(pair.slice(0, pair.indexOf("=")), pair.slice(pair.indexOf("=") + 1));
    }
    return response;
  };
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
  const { csrfToken } = await keep(await fetch(`${base}/api/auth/csrf`)).json();
  const response = keep(
    await fetch(`${base}/api/auth/callback/credentials`, {
      method: "POST",
      redirect: "manual",
      headers: { cookie: cookie(), "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ csrfToken, email: ADMIN.email, password: ADMIN.password, callbackUrl: "/" }),
    }),
  );
  if (response.status !== 302 || ![...jar.keys()].some((k) => k.endsWith("authjs.session-token"))) throw new Error(`sign-in failed: HTTP ${response.status}`);
  return cookie();
}

/** `count` GETs of one page at once, each on its own connection; an error is a failure to connect, a timeout or a status other than 200. */
async function burst(base: string, url: string, headers: Record<string, string>, name: string): Promise<PageResult> {
  const port = Number(new URL(base).port);
  const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
  const statuses = new Map<string, number>();
  const times: number[] = [];
  let errors = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CATALOG_CONCURRENCY }, async () => {
      const t = performance.now();
      const status = await get(port, url, headers, agent).then(
        (r) => String(r.status),
        () => "error",
      );
      times.push(performance.now() - t);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      if (status !== "200") errors++;
    }),
  );
  agent.destroy();
  return {
    name,
    count: CATALOG_CONCURRENCY,
    errors,
    statuses: [...statuses].map(([s, n]) => `${s}×${n}`).join(" "),
    p50: percentile(times, 50),
    p99: percentile(times, 99),
    seconds: (performance.now() - started) / 1000,
  };
}

async function cleanup() {
  for (const fn of cleanups.splice(0).reverse()) await fn().catch((error) => step(`cleanup: ${(error as Error).message}`));
}

const hardStop = setTimeout(
  () => {
    step("exceeded its time limit; stopping");
    void cleanup().finally(() => process.exit(1));
  },
  (2 * (SECONDS + 10) + 15 * 60) * 1000,
);
process.once("SIGINT", () => void cleanup().finally(() => process.exit(130)));
try {
  await main();
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  clearTimeout(hardStop);
  await cleanup();
}
