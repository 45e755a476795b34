/**
 * npm run bench:stats — the quality and audience pages at 100,000 views and 1,000,000 playback-report rows.
 *
 * 1. Seeds a fresh database on the Postgres server in BENCH_DATABASE_SERVER or DATABASE_URL (set-based inserts:
 *    8 admins, 5,000 viewers, 500 videos, 100,000 views and 1,000,000 qoe_reports rows over 30 days), rolls them
 *    up once.
 * 2. Starts Reel's web server (lib/server/main.ts, production build; built first when missing or stale) on
 *    127.0.0.1:3710 and loads each dashboard page and stats API with wrk at 8 connections for BENCH_SECONDS
 *    (default 8) each, the requests signed in as the 8 admins in turn (8 concurrent admins, each with a session
 *    cookie of their own).
 * 3. Media path: 1 MiB random ranges of a 64 MiB file at 16 connections, alone, then at the same time as the beacon
 *    load (POST /api/qoe from 5,000 signed-in viewers in turn, 32 connections); then beacons alone, flat out.
 *    The goal reads: the server takes 5,000 beacons/s, and while it does, the media path keeps ≥ 90 % of what it
 *    serves alone. So during the media measurement the beacons are paced at the goal's rate (5,000/s across the 32
 *    connections, not as many as the server can take: that would measure how the two loads share the cores, not
 *    what the beacon goal costs the media path), and the rate they actually reached is printed: below 5,000/s the
 *    step does not count (MISSED). "POST /api/qoe alone" stays flat out: how many beacons the server can take.
 *    Then CPU per beacon (web process, Postgres backends) next to a plain Node server answering 204 to the same
 *    requests, and CPU per MiB and per beacon counting the wrk client too: how many cores the media figure alone
 *    plus the beacon goal would need on this machine.
 * Prints p50/p95/throughput next to the goals and, for each page, what an admin waited by kind of answer (hit, the copy
 * being replaced, made for them: a one-connection probe beside wrk, scripts/bench/answer-probe.ts) with wrk's share of
 * each, then stops the server and drops the database. `--pages` runs steps 1 and 2 only, `--media` steps 1 and 3.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { countingScript, formatByAnswer, probedAnswers, probeScript, probeStats, slowest, type ProbedAnswer } from "./answer-probe";
import { ensureBuild, startWebServer, stopWebServer } from "./web-server";

const PORT = Number(process.env.BENCH_PORT ?? 3710);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const ADMINS = 8;
const VIEWERS = 5_000;
const MIB = 1024 * 1024;
const MEDIA_SIZE = 64 * MIB;
const GOALS = { pageP95: 50, beaconsPerSecond: 5000, mediaRatio: 0.9 };
/** `--pages`: the dashboard pages and stats APIs only, without the media path and beacon ingestion (step 3). */
const PAGES_ONLY = process.argv.includes("--pages");
/** `--media`: the media path and beacon ingestion only (step 3), without the pages (step 2). */
const MEDIA_ONLY = process.argv.includes("--media");

const TARGETS = [
  "/admin/quality?range=24h",
  "/admin/quality?range=7d&split=device",
  "/admin/quality?range=30d&split=video",
  "/admin/audience?range=24h",
  "/admin/audience?range=30d",
  "/api/stats/quality-series?range=7d",
  "/api/stats/quality-split?range=30d&split=browser",
  "/api/stats/retention?range=30d",
  "/api/stats/top-videos?range=30d",
];

/** `hits` and `stale`: how many answers were `x-reel-cache: hit` and `stale` (pages only). */
type Stats = { p50: number; p95: number; rps: number; requests: number; errors: number; hits?: number; stale?: number };
const log = (...a: unknown[]) => console.log("[bench:stats]", ...a);

async function main() {
  if (spawnSync("wrk", ["--version"]).error) throw new Error("wrk is not installed (apt-get install -y wrk)");
  const server = process.env.BENCH_DATABASE_SERVER ?? process.env.DATABASE_URL;
  if (!server) throw new Error("Set BENCH_DATABASE_SERVER or DATABASE_URL to a Postgres server");
  const loadAtStart = os.loadavg();
  const dbName = `reel_bench_stats_${Date.now()}_${randomBytes(3).toString("hex")}`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "reel-bench-stats-"));
  fs.chmodSync(dataDir, 0o755);
  const authSecret = randomBytes(32).toString("hex");
  const mediaKeys = `b1:${randomBytes(32).toString("hex")}`;
  // lib/env.ts reads the environment once at import: set it before importing anything from lib/.
  const { createDatabase, dropDatabase, runMigrations } = await import("../../lib/db/migrate");
  const databaseUrl = await createDatabase(server, dbName);
  Object.assign(process.env, { DATABASE_URL: databaseUrl, REEL_DATA_DIR: dataDir, AUTH_SECRET: authSecret, REEL_MEDIA_KEYS: mediaKeys, LOG_LEVEL: "warn" });
  const { closeDb } = await import("../../lib/db/client");
  let web: ChildProcess | null = null;
  try {
    await runMigrations(databaseUrl);
    const t0 = performance.now();
    const { adminIds, viewerIds, videoId } = await seed();
    log(`seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const t1 = performance.now();
    const { rollUpAndExpire } = await import("../../lib/stats/rollup");
    await rollUpAndExpire();
    log(`rolled up in ${((performance.now() - t1) / 1000).toFixed(1)} s`);
    await closeDb();

    const mediaDir = path.join(dataDir, "media", videoId, "mp4");
    fs.mkdirSync(mediaDir, { recursive: true });
    fs.writeFileSync(path.join(mediaDir, "video.mp4"), randomBytes(MEDIA_SIZE));
    const { parseKeyring } = await import("../../lib/media/signing");
    const { mediaUrl } = await import("../../lib/media/urls");
    const mediaPath = mediaUrl(videoId, "mp4/video.mp4", { ttlSeconds: 3600, keyring: parseKeyring(mediaKeys) });

    const adminCookies = await Promise.all(adminIds.map((id) => sessionCookie(id, authSecret)));
    if (!PAGES_ONLY) log(`signing ${VIEWERS} viewer sessions`);
    const viewerCookies = PAGES_ONLY ? [] : await Promise.all(viewerIds.map((id) => sessionCookie(id, authSecret)));
    await ensureBuild(log);
    web = await startWebServer({ ...process.env, NODE_ENV: "production" } as NodeJS.ProcessEnv, PORT);
    const base = `http://127.0.0.1:${PORT}`;
    if (!MEDIA_ONLY) await pagesStep(base, adminCookies);
    if (!PAGES_ONLY) await mediaAndBeacons(base, web.pid!, dbName, mediaPath, viewerCookies, videoId);
    console.log(`load average at the start ${loadAtStart.map((l) => l.toFixed(1)).join(" ")}, at the end ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}`);
  } finally {
    if (web) await stopWebServer(web);
    await closeDb();
    await dropDatabase(server, dbName);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

const row = (name: string, s: Stats, goal?: string) =>
  `${name.padEnd(52)} ${s.p50.toFixed(1).padStart(7)} ${s.p95.toFixed(1).padStart(7)} ${s.rps.toFixed(0).padStart(8)}  ${goal ?? ""}${s.errors ? `  non-2xx/errors: ${s.errors}` : ""}`;

/** Step 2: each page and stats API under 8 concurrent admins, with a probe of what one admin waited beside them. */
async function pagesStep(base: string, adminCookies: string[]) {
  for (const target of TARGETS) {
      const res = await fetch(base + target, { headers: { cookie: adminCookies[0] } });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`warm-up: GET ${target} answered ${res.status}`);
    }

    const pages: { target: string; stats: Stats; probed: ProbedAnswer[] }[] = [];
    for (const target of TARGETS) {
      const [stats, probed] = await Promise.all([
        wrkAsync(base, { connections: ADMINS, script: getScript(target, adminCookies) }),
        wrkOutput(wrkArgs(base, { connections: 1, script: tempScript("probe", probeScript(adminRotation(target, adminCookies))) })),
      ]);
      pages.push({ target, stats, probed: probedAnswers(probed) });
    }
    console.log("");
    console.log(`100,000 views · 1,000,000 qoe_reports rows · ${ADMINS} concurrent admins · ${SECONDS} s each · ${os.availableParallelism()} cores`);
    console.log(`${"".padEnd(52)} ${"p50 ms".padStart(7)} ${"p95 ms".padStart(7)} ${"req/s".padStart(8)}`);
    // wrk leaves requests that took longer than its 5 s timeout out of the latencies: none answered is no figure.
    const verdict = (stats: Stats) => (stats.requests - stats.errors === 0 ? "MISSED (no answer within 5 s)" : `p95 ≤ ${GOALS.pageP95} ms: ${stats.p95 <= GOALS.pageP95 ? "MET" : "MISSED"}`);
    for (const { target, stats } of pages) console.log(row(target, stats, verdict(stats)));
    // Which answers a page's tail is made of: wrk's share of each kind, the probe's latencies per kind.
    console.log("");
    console.log(`pages by answer: share of wrk's requests; p50/p95/max ms of a one-connection probe beside it (n = its requests), its slowest`);
    for (const { target, stats, probed } of pages) {
      const [hits, stale] = [stats.hits! / stats.requests, stats.stale! / stats.requests];
      console.log(`${target.padEnd(52)} ${formatByAnswer(probeStats(probed), { hit: hits, stale, made: 1 - hits - stale })}`);
      console.log(`${"".padEnd(52)} slowest: ${slowest(probed)}`);
    }
}

/**
 * Step 3: the media path's 1 MiB ranges alone and beside the goal's beacon load, the beacons alone (flat out), and what
 * each costs in CPU next to a plain Node server answering the same beacons.
 */
async function mediaAndBeacons(base: string, pid: number, dbName: string, mediaPath: string, viewerCookies: string[], videoId: string) {
  const beaconScriptFile = beaconScript(viewerCookies, videoId);
  const mediaCpuBefore = { web: cpuMs([pid]), client: clientCpuMs() };
  const mediaAlone = wrk(base, { connections: 16, script: rangeScript(mediaPath) });
  const mediaCpu = { web: cpuSince(mediaCpuBefore.web, cpuMs([pid])), client: clientCpuMs() - mediaCpuBefore.client };
  const [mediaLoaded, beacons] = await Promise.all([
    wrkAsync(base, { connections: 16, script: rangeScript(mediaPath) }),
    wrkAsync(base, { connections: 32, script: beaconScript(viewerCookies, videoId, GOALS.beaconsPerSecond * PACE_MARGIN) }),
  ]);
  const cpuBefore = { web: cpuMs([pid]), db: cpuMs(backendsOf(dbName)), client: clientCpuMs() };
  const beaconsAlone = wrk(base, { connections: 32, script: beaconScriptFile });
  const beaconCpu = { web: cpuSince(cpuBefore.web, cpuMs([pid])), db: cpuSince(cpuBefore.db, cpuMs(backendsOf(dbName))), client: clientCpuMs() - cpuBefore.client };
  const reference = await plainServerReference(beaconScriptFile);

  console.log("");
  console.log(row("POST /api/qoe alone (32 connections)", beaconsAlone, `≥ ${GOALS.beaconsPerSecond}/s: ${beaconsAlone.rps >= GOALS.beaconsPerSecond ? "MET" : "MISSED"}`));
  const paced = beacons.rps >= GOALS.beaconsPerSecond;
  console.log(row(`POST /api/qoe paced at ${GOALS.beaconsPerSecond}/s, with media load`, beacons, `reached ≥ ${GOALS.beaconsPerSecond}/s: ${paced ? "yes" : "no"}`));
  console.log(row("media 1 MiB ranges alone (16 connections)", mediaAlone));
  console.log(row(`media 1 MiB ranges with ${GOALS.beaconsPerSecond} beacons/s`, mediaLoaded));
  // What a beacon costs against the least any Node server pays for the same request (the goal's CPU budget: on 2
  // cores shared with wrk and Postgres, 5,000/s leaves well under 0.4 ms of CPU for each).
  const perRequest = (ms: number, stats: Stats) => (ms / stats.requests).toFixed(3);
  console.log(row("reference: plain Node server answering 204, same requests", reference.stats));
  console.log(
    `CPU per beacon: web process ${perRequest(beaconCpu.web, beaconsAlone)} ms + Postgres ${perRequest(beaconCpu.db, beaconsAlone)} ms; ` +
      `plain Node server ${perRequest(reference.cpu, reference.stats)} ms`,
  );
  // The media goal's CPU budget: what 1 MiB and one beacon cost in all (server, database and the wrk client on this
  // machine), and what the media figure alone plus 5,000 beacons/s would ask of the cores.
  const perMiB = { web: mediaCpu.web / mediaAlone.requests, client: mediaCpu.client / mediaAlone.requests };
  const perBeacon = (beaconCpu.web + beaconCpu.db + beaconCpu.client) / beaconsAlone.requests;
  console.log(
    `CPU per MiB: web process ${perMiB.web.toFixed(3)} ms + wrk ${perMiB.client.toFixed(3)} ms; per beacon in all (web, Postgres, wrk ${perRequest(beaconCpu.client, beaconsAlone)} ms) ${perBeacon.toFixed(3)} ms`,
  );
  const coresNeeded = (mediaAlone.rps * (perMiB.web + perMiB.client) + GOALS.beaconsPerSecond * perBeacon) / 1000;
  console.log(`media alone at ${mediaAlone.rps.toFixed(0)} MiB/s with ${GOALS.beaconsPerSecond} beacons/s would need ${coresNeeded.toFixed(2)} cores of ${os.availableParallelism()}`);
  const ratio = mediaLoaded.rps / mediaAlone.rps;
  // The ratio counts only when the beacons reached the goal's rate beside the media load.
  const met = ratio >= GOALS.mediaRatio && paced;
  console.log(
    `media throughput with ${beacons.rps.toFixed(0)} beacons/s ÷ without: ${ratio.toFixed(2)} (goal ≥ ${GOALS.mediaRatio} at ≥ ${GOALS.beaconsPerSecond} beacons/s: ${met ? "MET" : "MISSED"}${paced ? "" : ", the beacons fell short of their rate"})`,
  );
}

/** Set-based inserts; figures spread the way players report them. */
async function seed() {
  const { db } = await import("../../lib/db/client");
  const { sql } = await import("drizzle-orm");
  const admins = await db.execute<{ id: string }>(sql`
    insert into users (email, name, role) select 'admin' || i || '@bench.test', 'Bench admin ' || i, 'admin' from generate_series(1, ${ADMINS}) i returning id`);
  const viewers = await db.execute<{ id: string }>(sql`
    insert into users (email, name, role) select 'viewer' || i || '@bench.test', 'Viewer ' || i, 'member' from generate_series(1, ${VIEWERS}) i returning id`);
  const videos = await db.execute<{ id: string }>(sql`
    insert into videos (owner_id, title, visibility, source_kind, duration, status)
    select ${admins[0].id}, 'Bench video ' || i, 'public', 'upload', 60 + (i % 50) * 30, 'ready' from generate_series(1, 500) i returning id`);
  await db.execute(sql`create temp table bench_ids as select row_number() over () as n, id from videos`);
  await db.execute(sql`create temp table bench_users as select row_number() over () as n, id from users where role = 'member'`);
  await db.execute(sql`
    insert into views (user_id, video_id, created_at)
    select u.id, v.id, now() - random() * interval '30 days'
    from generate_series(1, 100000) i
    join bench_users u on u.n = 1 + (i::bigint * 7919) % ${VIEWERS}
    join bench_ids v on v.n = 1 + (i * 31) % 500`);
  await db.execute(sql`
    insert into qoe_reports (session_id, video_id, user_id, mode, state, browser, device, startup_ms, stall_count, stall_ms,
      quality_switches, watched_seconds, last_height, upscaled_seconds, bitrate_kbit_sum, max_position, exited_before_start,
      fatal_error, report_count, created_at, updated_at)
    select 'seed-' || i, v.id, u.id, (array['hls','native-hls','mp4'])[1 + i % 3], 'ended',
      (array['chrome','firefox','safari','edge','other'])[1 + i % 5], (array['phone','tablet','desktop','tv'])[1 + i % 4],
      case when i % 20 = 0 then null else 150 + (random() * 2500)::int end,
      (random() * 3)::int, (random() * 4000)::int, (random() * 4)::int, w.s, 720, w.s * random() * 0.2,
      case when i % 3 = 2 then 0 else w.s * (800 + random() * 4000) end, w.s, case when i % 20 = 0 and i % 7 <> 0 then 1 else 0 end,
      case when i % 97 = 0 then 'network error' end, 5, t.at, t.at + make_interval(secs => w.s)
    from generate_series(1, 1000000) i
    -- The "+ i * 0" ties each lateral to its row: uncorrelated, Postgres would draw random() once for all rows.
    cross join lateral (select (random() * 600 + i * 0)::real as s) w
    cross join lateral (select now() - random() * interval '30 days' + i * interval '0 s' as at) t
    join bench_users u on u.n = 1 + (i::bigint * 7919) % ${VIEWERS}
    join bench_ids v on v.n = 1 + (i * 31) % 500`);
  await db.execute(sql`analyze`);
  return { adminIds: admins.map((a) => a.id), viewerIds: viewers.map((v) => v.id), videoId: videos[0].id };
}

async function sessionCookie(userId: string, secret: string) {
  const { encode } = await import("next-auth/jwt");
  const name = "authjs.session-token";
  const value = await encode({ token: { sub: userId }, secret, salt: name, maxAge: 3600 });
  return `${name}=${value}`;
}

/** CPU time (user + system, ms) each of the processes `pids` has used so far, from /proc (Linux); those gone are left out. */
function cpuMs(pids: number[]): Map<number, number> {
  const tickMs = 10; // USER_HZ is 100 on Linux
  const used = new Map<number, number>();
  for (const pid of pids) {
    try {
      const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
      used.set(pid, (Number(fields[11]) + Number(fields[12])) * tickMs);
    } catch {
      // Exited meanwhile.
    }
  }
  return used;
}

/** CPU time (ms) this process's finished children (the wrk runs it waited for) have used so far, from /proc (Linux). */
function clientCpuMs(): number {
  const fields = fs.readFileSync("/proc/self/stat", "utf8").split(") ")[1].split(" ");
  return (Number(fields[13]) + Number(fields[14])) * 10;
}

/** CPU ms used between two cpuMs() readings by the processes alive at the second (one begun meanwhile counts whole). */
function cpuSince(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, ms] of after) total += ms - (before.get(pid) ?? 0);
  return total;
}

/** The Postgres backends serving database `name` on this machine (their process titles name it). */
function backendsOf(name: string): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const title = (() => {
      try {
        return fs.readFileSync(`/proc/${entry}/cmdline`, "utf8");
      } catch {
        return "";
      }
    })();
    if (title.startsWith("postgres:") && title.includes(` ${name} `)) pids.push(Number(entry));
  }
  return pids;
}

/** The same beacon requests against a plain Node HTTP server that reads each body and answers 204, in this run. */
async function plainServerReference(script: string) {
  const port = PORT + 1;
  const source = `require("node:http").createServer((req, res) => { req.on("data", () => {}); req.on("end", () => res.writeHead(204).end()); }).listen(${port}, "127.0.0.1", () => console.log("ready"));`;
  const child = spawn(process.execPath, ["-e", source], { stdio: ["ignore", "pipe", "inherit"] });
  try {
    await new Promise((resolve) => child.stdout!.once("data", resolve));
    const before = cpuMs([child.pid!]);
    const stats = wrk(`http://127.0.0.1:${port}`, { connections: 32, script });
    return { stats, cpu: cpuSince(before, cpuMs([child.pid!])) };
  } finally {
    child.kill();
  }
}

function tempScript(name: string, body: string) {
  const file = path.join(os.tmpdir(), `reel-bench-stats-${name}-${process.pid}-${randomUUID().slice(0, 8)}.lua`);
  fs.writeFileSync(file, body);
  return file;
}

const DONE = `done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %f %f %d %d %d\\n", latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout + e.status))
end
`;

/** Lua defining `nextRequest()`: a GET of `target` as each of `cookies` in turn. */
function adminRotation(target: string, cookies: string[]) {
  return `local cookies = { ${cookies.map((c) => JSON.stringify(c)).join(", ")} }
local i = 0
local function nextRequest()
  i = i + 1
  return wrk.format("GET", ${JSON.stringify(target)}, { Cookie = cookies[(i % #cookies) + 1] })
end
`;
}

/** GET `target` as each of `cookies` in turn, counting the answers that were cache hits and stale copies. */
function getScript(target: string, cookies: string[]) {
  return tempScript("get", countingScript(adminRotation(target, cookies)));
}

function rangeScript(mediaPath: string) {
  return tempScript("range", `math.randomseed(os.time())
request = function()
  local start = math.random(0, ${MEDIA_SIZE - MIB})
  return wrk.format("GET", ${JSON.stringify(mediaPath)}, { Range = "bytes=" .. start .. "-" .. (start + ${MIB - 1}) })
end
${DONE}`);
}

/**
 * A paced load aims this much above its rate: a run's last requests are still in flight when wrk stops counting, and
 * a load reaching exactly the goal's rate would read just under it.
 */
const PACE_MARGIN = 1.01;

/**
 * Lua `delay()` sending `perSecond` requests in all across a wrk thread's connections: each request takes the next
 * slot of one shared schedule and waits for it (wrk calls delay() before each request of each connection). A
 * connection whose answers come late falls behind the schedule and sends at once until it catches up, so the rate
 * is met unless the server cannot keep up with it. LuaJIT's FFI reads the monotonic clock: wrk's Lua has no clock
 * finer than a second.
 */
function pacing(perSecond: number) {
  return `local ffi = require("ffi")
ffi.cdef[[ typedef struct { long tv_sec; long tv_nsec; } reel_timespec; int clock_gettime(int, reel_timespec *); ]]
local ts = ffi.new("reel_timespec")
local function nowMs()
  ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
  return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
end
local interval = ${1000 / perSecond}
local slot = nil
delay = function()
  local now = nowMs()
  slot = slot and slot + interval or now
  return math.max(0, math.ceil(slot - now))
end
`;
}

/**
 * Viewer i of 5,000 in turn, each with 4 sessions of its own: reports merge into rows as real players' do. Flat out,
 * or `perSecond` in all (pacing()).
 */
function beaconScript(cookies: string[], videoId: string, perSecond?: number) {
  const list = tempScript("cookies", cookies.join("\n"));
  return tempScript("beacon", `local cookies = {}
for line in io.lines(${JSON.stringify(list)}) do cookies[#cookies + 1] = line end
local i = math.random(1, 1000000)
request = function()
  i = i + 1
  local viewer = i % #cookies
  local session = "bench-" .. viewer .. "-" .. (i % 4)
  local body = '{"sessionId":"' .. session .. '","videoId":"${videoId}","mode":"hls","state":"playing","startupMs":400,"watchedSeconds":' .. (i % 600) .. ',"stallCount":1,"stallMs":300,"viewport":{"width":1366,"height":850}}'
  return wrk.format("POST", "/api/qoe", { Cookie = cookies[viewer + 1], ["Content-Type"] = "application/json" }, body)
end
${perSecond ? pacing(perSecond) : ""}${DONE}`);
}

function wrkArgs(base: string, { connections, script }: { connections: number; script: string }) {
  return ["-t1", `-c${connections}`, `-d${SECONDS}s`, "--timeout", "5s", "-s", script, base];
}

function parse(stdout: string): Stats {
  const m = /RESULT (\S+) (\S+) (\d+) (\d+) (\d+)(?: (\d+) (\d+))?/.exec(stdout);
  if (!m) throw new Error(`wrk failed: ${stdout}`);
  const [p50, p95, requests, durationUs, errors, hits, stale] = m.slice(1).map((v) => (v === undefined ? undefined : Number(v)));
  return { p50: p50!, p95: p95!, requests: requests!, rps: (requests! - errors!) / (durationUs! / 1e6), errors: errors!, hits, stale };
}

function wrk(base: string, options: { connections: number; script: string }): Stats {
  const result = spawnSync("wrk", wrkArgs(base, options), { encoding: "utf8" });
  return parse(result.stdout + result.stderr);
}

async function wrkAsync(base: string, options: { connections: number; script: string }): Promise<Stats> {
  return parse(await wrkOutput(wrkArgs(base, options)));
}

/** What wrk run with `args` wrote, once it has exited. */
function wrkOutput(args: string[]): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn("wrk", args);
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.once("close", () => resolve(out));
  });
}


await main();
