/**
 * npm run bench:catalog — the library at 10,000 videos, 50 tags, 100,000 progress rows and 100,000 views.
 *
 * 1. Seeds that data set into a fresh database on the Postgres server in BENCH_DATABASE_SERVER or
 *    DATABASE_URL, or else on a throwaway embedded Postgres on port 3749 (set-based inserts: a few
 *    seconds), then EXPLAINs the main queries.
 * 2. Reference, same run: the catalog and search queries alone (lib/library, in this process,
 *    32 concurrent callers) — what the database part costs.
 * 3. Starts Reel's web server (lib/server/main.ts: the Node server in front of Next, production
 *    build; builds first when the build is missing or stale, like `npm start`) on 127.0.0.1:3700,
 *    signed in with a session cookie, and loads the catalog page (HTML) and the search API with wrk
 *    at 32 connections for 10 s each: 5 catalog pages and 10 searches in turn, so after the warm-up
 *    they come from the response cache (lib/server/response-cache.ts), as repeated visits do.
 * 4. The same with the response cache off (REEL_RESPONSE_CACHE_MB=0): what every first visit, every
 *    new search and every visit after a change costs — the query and, for pages, Next's render.
 * 5. Mixed: the cache on, the same readers while this process writes from its own connections what a
 *    site in use writes (20 views/s and 2 ratings/s by other members, a finished upload every 10 s:
 *    a processing video turned ready), through Reel's own functions.
 * Prints p50/p95/throughput next to the goals, the share of answers that were cache hits, what the readers waited by
 * kind of answer (hit, the copy being replaced, made for them: a one-connection probe beside wrk), the web process's CPU
 * time per request (user + system, from /proc, divided by the requests answered), and with the cache off the CPU time of a cold
 * render (pages fetched one at a time), then stops the server and drops the database.
 * `--case cold` runs only the cold render, of `/`, `/videos` and `/tags/music` apiece (CPU per page, HTML bytes
 * and the share of them that is the RSC payload inlined for hydration): the figure a render change moves.
 * BENCH_HTML_DIR=<folder> keeps the pages' HTML there.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Viewer } from "../../lib/auth/viewer";
import { countingScript, formatByAnswer, probedAnswers, probeScript, probeStats, type Answer, type AnswerStats } from "./answer-probe";
import { ensureBuild, startWebServer, stopWebServer } from "./web-server";

const PORT = Number(process.env.BENCH_PORT ?? 3700);
const CONNECTIONS = 32;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const GOALS = { page: 30, search: 15 };

const TAGS = [
  "music", "travel", "cooking", "nature", "science", "history", "sports", "comedy", "drama", "family",
  "animation", "documentary", "tutorial", "gaming", "art", "design", "coding", "fitness", "yoga", "cars",
  "space", "ocean", "mountains", "city", "food", "dance", "concert", "interview", "news", "kids",
  "pets", "birds", "garden", "diy", "photography", "film", "theatre", "poetry", "books", "fashion",
  "architecture", "robots", "math", "physics", "chemistry", "biology", "weather", "winter", "summer", "holiday",
];
const WORDS = [
  "mountain", "river", "sunset", "ocean", "forest", "city", "night", "morning", "journey", "secret", "golden",
  "silent", "wild", "little", "big", "lost", "hidden", "electric", "summer", "winter", "autumn", "spring", "desert",
  "island", "bridge", "garden", "kitchen", "recipe", "guide", "story", "legend", "voyage", "storm", "thunder",
  "rainbow", "shadow", "light", "dream", "memory", "festival", "market", "harbor", "castle", "valley", "canyon",
  "glacier", "volcano", "jungle", "meadow", "lake", "waterfall", "train", "bicycle", "rocket", "planet", "galaxy",
  "robot", "piano", "guitar", "drums", "dance", "painting", "sketch", "lesson", "workshop", "review", "unboxing",
  "timelapse", "drone", "underwater", "bunny", "elephant", "tiger", "eagle", "dolphin", "whale", "puppy", "kitten",
  "coffee", "bread", "pasta", "curry", "noodles", "chocolate", "street", "rooftop", "tunnel", "lighthouse",
];
const SEARCHES = ["moun", "river sun", "ocean", "sunsett", "elephnt", "golden bridge", "pasta", "galaxy rocket", "timelap", "whale"];
const PAGES = ["/videos", "/videos?sort=views", "/videos?tags=music", "/videos?sort=rating", "/videos?sort=title"];
/** `--case cold`: the three catalog pages the Node server caches, each rendered cold, measured apiece. */
const COLD_PAGES = ["/", "/videos", "/tags/music"];
const CASE = caseOption();

const WRITES = { viewsPerSecond: 20, ratingsPerSecond: 2, uploadEverySeconds: 10 };

/**
 * `cpuMs`: the web process's CPU time per request, when it was measured; `hits`: the share of answers that came from
 * the response cache (`x-reel-cache: hit`, which a request that waited for another's render also gets, or `stale`, the
 * copy being replaced, sent while the new one is made).
 */
type Stats = {
  p50: number;
  p95: number;
  rps: number;
  requests: number;
  errors: number;
  cpuMs?: number;
  hits?: number;
  /** The share of answers that were the copy being replaced (counted in `hits` too). */
  stale?: number;
  byAnswer?: Record<Answer, AnswerStats>;
};

const log = (...a: unknown[]) => console.log("[bench:catalog]", ...a);

async function main() {
  const loadAtStart = os.loadavg();
  if (spawnSync("wrk", ["--version"]).error) throw new Error("wrk is not installed (apt-get install -y wrk)");
  const embedded = await databaseServer();
  const server = embedded.url;

  // lib/env.ts reads the environment once at import: set it before importing anything from lib/.
  const dbName = `reel_bench_${Date.now()}_${randomBytes(3).toString("hex")}`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "reel-bench-"));
  const authSecret = randomBytes(32).toString("hex");
  const { createDatabase, dropDatabase, runMigrations } = await import("../../lib/db/migrate");
  const databaseUrl = await createDatabase(server, dbName);
  Object.assign(process.env, {
    DATABASE_URL: databaseUrl,
    REEL_DATA_DIR: dataDir,
    AUTH_SECRET: authSecret,
    REEL_MEDIA_KEYS: `b1:${randomBytes(32).toString("hex")}`,
    LOG_LEVEL: "warn",
  });

  let web: ChildProcess | null = null;
  const { closeDb } = await import("../../lib/db/client");
  try {
    await runMigrations(databaseUrl);
    const t0 = performance.now();
    const viewer = await seed();
    log(`seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    await explain(viewer);

    if (process.argv.includes("--seed-only")) {
      log(`--seed-only: left the seeded database at ${databaseUrl}`);
      return;
    }
    const cookie = await sessionCookie(viewer.id, authSecret);
    const base = `http://127.0.0.1:${PORT}`;
    if (CASE === "cold") {
      await closeDb();
      await ensureBuild(log);
      web = await startWebServer({ ...process.env, NODE_ENV: "production", REEL_RESPONSE_CACHE_MB: "0" } as NodeJS.ProcessEnv, PORT);
      await warmUp(base, cookie, COLD_PAGES);
      printColdPages(await renderOneByOne(base, cookie, web.pid!, COLD_PAGES, 10));
      return;
    }
    const reference = await queryReference(viewer);
    await closeDb();

    await ensureBuild(log);
    const searches = SEARCHES.map((q) => `/api/videos?q=${encodeURIComponent(q)}&limit=24`);
    const measure = async (cacheMb: number, writing = false) => {
      web = await startWebServer({ ...process.env, NODE_ENV: "production", REEL_RESPONSE_CACHE_MB: String(cacheMb) } as NodeJS.ProcessEnv, PORT);
      await warmUp(base, cookie);
      const writer = writing ? await startWriter(viewer) : null;
      const pid = web.pid!;
      const cold = cacheMb === 0 ? await renderOneByOne(base, cookie, pid) : undefined;
      const probe = cacheMb > 0;
      const result = { page: await runWrk(base, cookie, PAGES, "page", pid, probe), search: await runWrk(base, cookie, searches, "search", pid, probe) };
      const writes = await writer?.stop();
      await stopWebServer(web);
      web = null;
      return { ...result, writes, cold };
    };
    const cached = await measure(64);
    const uncached = await measure(0);
    const mixed = await measure(64, true);
    await closeDb();

    const row = (name: string, s: Stats, goal?: number) =>
      `${name.padEnd(42)} ${s.p50.toFixed(1).padStart(7)} ${s.p95.toFixed(1).padStart(7)} ${s.rps.toFixed(0).padStart(8)} ${(s.cpuMs === undefined ? "" : s.cpuMs.toFixed(2)).padStart(9)} ${(s.hits === undefined ? "" : `${(s.hits * 100).toFixed(1)}%`).padStart(6)}  ${
        goal === undefined ? "" : `p95 ≤ ${goal} ms: ${s.p95 <= goal ? "MET" : "MISSED"} (${(s.p95 / goal).toFixed(2)}× goal)`
      }${s.errors ? `  errors: ${s.errors}` : ""}`;
    console.log("");
    console.log(`10,000 videos · 50 tags · 100,000 progress rows · 100,000 views · ${CONNECTIONS} connections · ${SECONDS} s each · ${os.availableParallelism()} cores`);
    // Other work on the machine takes its share of the cores: the load average tells how much.
    console.log(`load average at the start ${loadAtStart.map((l) => l.toFixed(1)).join(" ")}, at the end ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}`);
    console.log(`${"".padEnd(42)} ${"p50 ms".padStart(7)} ${"p95 ms".padStart(7)} ${"req/s".padStart(8)} ${"CPU ms/req".padStart(9)} ${"hits".padStart(6)}`);
    console.log(row("catalog pages /videos (HTML), cache warm", cached.page, GOALS.page));
    console.log(row("search API /api/videos?q=, cache warm", cached.search, GOALS.search));
    console.log(row("same pages, response cache off", uncached.page));
    console.log(row("same searches, response cache off", uncached.search));
    console.log(row("pages, cache on, while writing (mixed)", mixed.page, GOALS.page));
    console.log(row("searches, cache on, while writing (mixed)", mixed.search, GOALS.search));
    console.log(row("reference: catalog query alone", reference.catalog));
    console.log(row("reference: search query alone", reference.search));
    // Which answers the tail is made of: wrk's counts over all requests, the probe's latencies per kind of answer.
    console.log("");
    console.log(`by answer: share of wrk's requests; p50/p95/max ms of a one-connection probe beside it (n = its requests)`);
    const byAnswer = (name: string, s: Stats) =>
      `${name.padEnd(42)} ${formatByAnswer(s.byAnswer!, { hit: s.hits! - s.stale!, stale: s.stale!, made: 1 - s.hits! })}`;
    console.log(byAnswer("pages, cache warm", cached.page));
    console.log(byAnswer("searches, cache warm", cached.search));
    console.log(byAnswer("pages, while writing (mixed)", mixed.page));
    console.log(byAnswer("searches, while writing (mixed)", mixed.search));
    const cold = uncached.cold!;
    console.log(
      `cold render, one page at a time (cache off): ${cold.cpuMs.toFixed(1)} ms of web-process CPU per page, ${cold.p50.toFixed(0)} ms p50 (${cold.pages.length * cold.rounds} pages)`,
    );
    const w = mixed.writes!;
    console.log(
      `mixed writes: ${(w.views / w.seconds).toFixed(1)} views/s, ${(w.ratings / w.seconds).toFixed(1)} ratings/s, ${w.uploads} uploads made ready in ${w.seconds.toFixed(0)} s${w.failed ? `, ${w.failed} failed` : ""}`,
    );
    console.log(
      `cache on / off throughput: page ${(cached.page.rps / uncached.page.rps).toFixed(1)}×, search ${(cached.search.rps / uncached.search.rps).toFixed(1)}×`,
    );
  } finally {
    if (web) await stopWebServer(web);
    await closeDb();
    if (!process.argv.includes("--seed-only")) await dropDatabase(server, dbName);
    await embedded.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The configured Postgres server, or a throwaway embedded one (fsync off) for this run only. */
async function databaseServer(): Promise<{ url: string; stop: () => Promise<void> }> {
  const configured = process.env.BENCH_DATABASE_SERVER ?? process.env.DATABASE_URL;
  if (configured) return { url: configured, stop: async () => {} };
  const { startEmbeddedPostgres } = await import("../lib/embedded-postgres");
  const { pino } = await import("pino");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "reel-bench-pg-"));
  fs.chmodSync(dir, 0o755);
  log("no BENCH_DATABASE_SERVER/DATABASE_URL: starting an embedded Postgres on 127.0.0.1:3749");
  const pg = await startEmbeddedPostgres({
    dataDir: path.join(dir, "pg"),
    port: 3749,
    password: randomBytes(16).toString("hex"),
    log: pino({ level: "warn" }),
    ephemeral: true,
  });
  return {
    url: pg.serverUrl,
    stop: async () => {
      await pg.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Set-based inserts: 200 users, 10,000 videos, 100,000 progress rows, 100,000 views, 50,000 ratings, 20,000 favourites. */
async function seed(): Promise<Viewer> {
  const { db } = await import("../../lib/db/client");
  const { sql } = await import("drizzle-orm");
  const words = sql.raw(`array[${WORDS.map((w) => `'${w}'`).join(",")}]`);
  const tags = sql.raw(`array[${TAGS.map((w) => `'${w}'`).join(",")}]`);
  await db.execute(sql`insert into users (email, name, role) values ('admin@bench.test', 'Bench admin', 'admin')`);
  await db.execute(sql`
    insert into users (email, name, role)
    select 'member' || g || '@bench.test', 'Member ' || g, 'member' from generate_series(1, 199) g`);
  await db.execute(sql`
    insert into videos (owner_id, title, description, tags, visibility, status, source_kind, duration, width, height,
                        view_count, rating_sum, rating_count, created_at, outputs)
    select u.ids[1 + (g * 7919) % 200],
      initcap(w[1 + floor(random() * n)::int] || ' ' || w[1 + floor(random() * n)::int] || ' ' || w[1 + floor(random() * n)::int]),
      'A ' || w[1 + floor(random() * n)::int] || ' and ' || w[1 + floor(random() * n)::int] || ' film about the '
        || w[1 + floor(random() * n)::int] || ', shot near the ' || w[1 + floor(random() * n)::int] || '.',
      array(select distinct x from unnest(array[t[1 + g % 50], t[1 + (g * 7 + 3) % 50], t[1 + floor(random() * 50)::int]]) x),
      (case when g % 20 = 0 then 'private' when g % 10 = 0 then 'unlisted' else 'public' end)::video_visibility,
      (case when g % 25 = 0 then 'processing' when g % 13 = 0 then 'playable' else 'ready' end)::video_status,
      'upload', 30 + floor(random() * 7200), 1920, 1080,
      floor(random() * 5000)::int, rc * (1 + floor(random() * 5)::int), rc,
      now() - make_interval(mins => g * 5), '{"poster":[320,640,1280]}'::jsonb
    from generate_series(1, 10000) g,
      (select array_agg(id order by email) ids from users) u,
      (select ${words} w, cardinality(${words}) n, ${tags} t) d,
      lateral (select floor(random() * 40 + g * 0)::int rc) r`);
  // 500 videos per user (unique pairs), a third of them finished, spread over 120 days.
  await db.execute(sql`
    insert into watch_progress (user_id, video_id, position, duration, finished, updated_at)
    select u.ids[ui], v.ids[1 + (ui * 500 + k) % 10000], 60 + k, 600 + k, k % 3 = 0, now() - make_interval(hours => k * 6)
    from (select array_agg(id order by email) ids from users) u,
         (select array_agg(id order by id) ids from videos) v,
         generate_series(1, 200) ui, generate_series(1, 500) k`);
  await db.execute(sql`
    insert into views (user_id, video_id, created_at)
    select u.ids[1 + floor(random() * 200)::int], v.ids[1 + floor(random() * 10000)::int], now() - make_interval(mins => floor(random() * 200000)::int)
    from (select array_agg(id order by email) ids from users) u, (select array_agg(id order by id) ids from videos) v,
         generate_series(1, 100000)`);
  await db.execute(sql`
    insert into ratings (user_id, video_id, value)
    select u.ids[1 + (g % 200)], v.ids[1 + floor(random() * 10000)::int], 1 + g % 5
    from (select array_agg(id order by email) ids from users) u, (select array_agg(id order by id) ids from videos) v,
         generate_series(1, 50000) g
    on conflict do nothing`);
  await db.execute(sql`
    insert into favorites (user_id, video_id)
    select u.id, v.id from users u cross join lateral (select id from videos tablesample system (2) limit 100) v
    on conflict do nothing`);
  await db.execute(sql`analyze`);
  const [member] = await db.execute<{ id: string; email: string; name: string }>(
    sql`select id, email, name from users where email = 'member1@bench.test'`,
  );
  return { id: member.id, email: member.email, name: member.name, role: "member", canUpload: false, via: "session" };
}

/** EXPLAIN ANALYZE of the statements pages run, at 10,000 videos: the scans used and the execution time. */
async function explain(viewer: Viewer) {
  const { db } = await import("../../lib/db/client");
  const { sql } = await import("drizzle-orm");
  const { catalogStatement } = await import("../../lib/library/queries/catalog");
  const cases: [string, Parameters<typeof catalogStatement>[1]][] = [
    ["newest", { sort: "newest" }],
    ["oldest", { sort: "oldest" }],
    ["title", { sort: "title" }],
    ["duration", { sort: "duration" }],
    ["most viewed", { sort: "views" }],
    ["top rated", { sort: "rating" }],
    ["recently watched", { sort: "watched" }],
    ["tag music", { tags: ["music"] }],
    ["tags music+travel", { tags: ["music", "travel"] }],
    ["search 'moun' (broad prefix)", { q: "moun" }],
    ["search 'golden bridge'", { q: "golden bridge" }],
    ["search 'sunsett' (typo)", { q: "sunsett" }],
  ];
  for (const [name, query] of cases) {
    const rows = await db.execute<{ "QUERY PLAN": string }>(
      sql`explain (analyze, costs off, summary on) ${catalogStatement(viewer, { ...query, limit: 24 }).statement}`,
    );
    const lines = rows.map((r) => r["QUERY PLAN"]);
    const scans = [...new Set(lines.flatMap((l) => /((?:Index Only |Index |Bitmap Index |Bitmap Heap |Seq )Scan(?: Backward)?(?: using \S+)? on \S+)/.exec(l)?.[1] ?? []))];
    const time = lines.find((l) => l.startsWith("Execution Time"))?.replace("Execution Time: ", "");
    log(`plan ${name.padEnd(28)} ${String(time).padStart(10)}  ${scans.join(", ")}`);
  }
}

/** The queries alone, at the same concurrency: the share of the page time that is the database's. */
async function queryReference(viewer: Viewer) {
  const { listCatalog } = await import("../../lib/library/queries/catalog");
  const measure = async (make: (i: number) => Promise<unknown>): Promise<Stats> => {
    const latencies: number[] = [];
    const until = performance.now() + 4000;
    let i = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async () => {
        while (performance.now() < until) {
          const t = performance.now();
          await make(i++);
          latencies.push(performance.now() - t);
        }
      }),
    );
    latencies.sort((a, b) => a - b);
    const at = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
    return { p50: at(50), p95: at(95), rps: latencies.length / ((performance.now() - started) / 1000), requests: latencies.length, errors: 0 };
  };
  const sorts = ["newest", "views", "rating", "title"] as const;
  const catalog = await measure((i) => listCatalog(viewer, { sort: sorts[i % sorts.length], limit: 24 }));
  const search = await measure((i) => listCatalog(viewer, { q: SEARCHES[i % SEARCHES.length], limit: 24 }));
  return { catalog, search };
}

/**
 * What a site in use writes while people browse, through Reel's own functions on this process's connections: views
 * and ratings of public videos by other members, and every `uploadEverySeconds` a processing video made ready (the
 * row update that finishes a pipeline). Each kind runs on its own timer; a write that fails is counted.
 */
async function startWriter(reader: Viewer) {
  const { db } = await import("../../lib/db/client");
  const { sql } = await import("drizzle-orm");
  const { rateVideo, recordView } = await import("../../lib/library/queries/interactions");
  const { lockVideo, updateVideo } = await import("../../lib/videos/queries");
  const members = await db.execute<{ id: string; email: string; name: string }>(
    sql`select id, email, name from users where role = 'member' and id <> ${reader.id}`,
  );
  const viewers: Viewer[] = members.map((m) => ({ ...m, role: "member", canUpload: false, via: "session" }));
  const visible = (await db.execute<{ id: string }>(sql`select id from videos where visibility = 'public' and status = 'ready'`)).map((r) => r.id);
  const pending = (await db.execute<{ id: string }>(sql`select id from videos where status = 'processing' order by created_at desc`)).map((r) => r.id);
  const pick = <T>(list: T[]) => list[Math.floor(Math.random() * list.length)];
  const counts = { views: 0, ratings: 0, uploads: 0, failed: 0 };
  const writes: Promise<unknown>[] = [];
  const every = (ms: number, write: () => Promise<unknown>, counted: keyof typeof counts) =>
    setInterval(() => {
      writes.push(write().then(() => counts[counted]++, () => counts.failed++));
    }, ms);
  const started = performance.now();
  const timers = [
    every(1000 / WRITES.viewsPerSecond, () => recordView(pick(viewers), pick(visible), 30), "views"),
    every(1000 / WRITES.ratingsPerSecond, () => rateVideo(pick(viewers), pick(visible), 1 + Math.floor(Math.random() * 5)), "ratings"),
    every(WRITES.uploadEverySeconds * 1000, async () => {
      const id = pending.pop();
      if (!id) throw new Error("no processing video left to finish");
      await db.transaction(async (tx) => {
        if (await lockVideo(tx, id)) await updateVideo(tx, id, { status: "ready", readyAt: new Date(), progress: null });
      });
    }, "uploads"),
  ];
  return {
    async stop() {
      for (const timer of timers) clearInterval(timer);
      await Promise.all(writes);
      return { ...counts, seconds: (performance.now() - started) / 1000 };
    },
  };
}

type ColdPage = { path: string; cpuMs: number; p50: number; htmlBytes: number; flightBytes: number };

/**
 * The CPU a render costs, without wrk's timeouts muddling the count: the pages fetched one at a time, `rounds` times
 * over, and the web process's CPU time divided by the pages, in all and per page. The HTML is fetched uncompressed so
 * its size is the render's own; `flightBytes` is the part inside Next's inlined RSC payload scripts.
 */
async function renderOneByOne(base: string, cookie: string, pid: number, pages = PAGES, rounds = 3) {
  const times: number[] = [];
  const perPage = new Map(pages.map((p) => [p, { cpuMs: 0, times: [] as number[], htmlBytes: 0, flightBytes: 0 }]));
  const cpuBefore = groupCpuMs(pid);
  for (let round = 0; round < rounds; round++) {
    for (const page of pages) {
      const cpu = groupCpuMs(pid);
      const t = performance.now();
      const res = await fetch(base + page, { headers: { cookie, "accept-encoding": "identity" } });
      const html = await res.text();
      if (res.status !== 200) throw new Error(`GET ${page} answered ${res.status}`);
      const elapsed = performance.now() - t;
      times.push(elapsed);
      const entry = perPage.get(page)!;
      entry.cpuMs += groupCpuMs(pid) - cpu;
      entry.times.push(elapsed);
      entry.htmlBytes = Buffer.byteLength(html);
      // BENCH_HTML_DIR keeps each page's HTML, to see what its bytes are.
      if (process.env.BENCH_HTML_DIR && round === 0) {
        fs.mkdirSync(process.env.BENCH_HTML_DIR, { recursive: true });
        fs.writeFileSync(path.join(process.env.BENCH_HTML_DIR, `${page.replace(/\W+/g, "_") || "home"}.html`), html);
      }
      entry.flightBytes = flightBytes(html);
    }
  }
  const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
  return {
    cpuMs: (groupCpuMs(pid) - cpuBefore) / times.length,
    p50: median(times),
    rounds,
    pages: [...perPage].map(([path, e]): ColdPage => ({ path, cpuMs: e.cpuMs / rounds, p50: median(e.times), htmlBytes: e.htmlBytes, flightBytes: e.flightBytes })),
  };
}

/** Bytes of the RSC payload Next inlines for hydration: the `self.__next_f.push(...)` scripts. */
function flightBytes(html: string): number {
  let total = 0;
  for (const m of html.matchAll(/<script[^>]*>(self\.__next_f\.push\([\s\S]*?)<\/script>/g)) total += Buffer.byteLength(m[1]);
  return total;
}

function printColdPages(cold: Awaited<ReturnType<typeof renderOneByOne>>) {
  console.log("");
  console.log(`cold render (response cache off), one page at a time, ${cold.rounds} rounds · load average ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}`);
  console.log(`${"page".padEnd(14)} ${"CPU ms/page".padStart(11)} ${"p50 ms".padStart(7)} ${"HTML bytes".padStart(10)} ${"RSC payload".padStart(11)}`);
  for (const p of cold.pages) {
    console.log(`${p.path.padEnd(14)} ${p.cpuMs.toFixed(1).padStart(11)} ${p.p50.toFixed(0).padStart(7)} ${String(p.htmlBytes).padStart(10)} ${String(p.flightBytes).padStart(11)}`);
  }
  console.log(`${"all".padEnd(14)} ${cold.cpuMs.toFixed(1).padStart(11)} ${cold.p50.toFixed(0).padStart(7)}`);
}

/** `--case cold` (or `--case=cold`): which part of the bench to run; the whole bench when absent. */
function caseOption(): "all" | "cold" {
  const i = process.argv.findIndex((a) => a === "--case" || a.startsWith("--case="));
  if (i < 0) return "all";
  const value = process.argv[i].includes("=") ? process.argv[i].split("=")[1] : process.argv[i + 1];
  if (value !== "cold") throw new Error(`--case takes "cold" (got ${JSON.stringify(value)})`);
  return value;
}

/** User + system CPU time (ms) of every process in the web server's process group (its own: it is started detached). */
function groupCpuMs(pgid: number): number {
  const tick = 1000 / Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout.trim() || 100);
  let total = 0;
  for (const name of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${name}/stat`, "utf8");
    } catch {
      continue; // gone since the listing
    }
    // Fields after the command (which may hold spaces), from field 3 on: pgrp is field 5, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (Number(fields[2]) === pgid) total += (Number(fields[11]) + Number(fields[12])) * tick;
  }
  return total;
}

async function sessionCookie(userId: string, secret: string) {
  const { encode } = await import("next-auth/jwt");
  const name = "authjs.session-token";
  const value = await encode({ token: { sub: userId }, secret, salt: name, maxAge: 3600 });
  return `${name}=${value}`;
}


async function warmUp(base: string, cookie: string, pages = PAGES) {
  for (const url of [...pages, ...SEARCHES.map((q) => `/api/videos?q=${encodeURIComponent(q)}`)]) {
    const res = await fetch(base + url, { headers: { cookie } });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`warm-up: GET ${url} answered ${res.status}`);
  }
  // A few seconds of load so the JIT and the connection pool settle before measuring.
  spawnSync("wrk", ["-t1", `-c${CONNECTIONS}`, "-d3s", "-H", `Cookie: ${cookie}`, `${base}/videos`]);
}

/**
 * Loads `paths` in turn; wrk runs beside this process's event loop, so the mixed case's writes go on meanwhile. With
 * `probe`, a second wrk on one more connection asks for the same paths one at a time and times each answer by its
 * `x-reel-cache` (wrk's own latencies cannot be told apart by answer): `byAnswer` is a sample of what a reader waits
 * for a hit, for the copy being replaced (stale) and for an answer made for them (made).
 */
async function runWrk(base: string, cookie: string, paths: string[], name: string, pid: number, probe = false, seconds = SECONDS): Promise<Stats> {
  const script = path.join(os.tmpdir(), `reel-bench-${name}-${process.pid}.lua`);
  const probeFile = path.join(os.tmpdir(), `reel-bench-${name}-probe-${process.pid}.lua`);
  // Both scripts ask for `paths` in turn.
  const prelude = `local paths = { ${paths.map((p) => JSON.stringify(p)).join(", ")} }
local i = 0
local function nextRequest()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end
`;
  fs.writeFileSync(script, countingScript(prelude));
  fs.writeFileSync(probeFile, probeScript(prelude));
  const run = (args: string[]) => {
    const child = spawn("wrk", [...args, "--timeout", "5s", "-H", `Cookie: ${cookie}`, base]);
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    return new Promise<string>((resolve) => child.once("close", () => resolve(out)));
  };
  try {
    const cpuBefore = groupCpuMs(pid);
    const [out, probed] = await Promise.all([
      run(["-t1", `-c${CONNECTIONS}`, `-d${seconds}s`, "-s", script]),
      probe ? run(["-t1", "-c1", `-d${seconds}s`, "-s", probeFile]) : undefined,
    ]);
    const cpu = groupCpuMs(pid) - cpuBefore;
    const m = /RESULT (\S+) (\S+) (\d+) (\d+) (\d+) (\d+) (\d+)/.exec(out);
    if (!m) throw new Error(`wrk failed: ${out}`);
    const [p50, p95, requests, durationUs, errors, hits, stale] = m.slice(1).map(Number);
    return {
      p50, p95, requests, rps: requests / (durationUs / 1e6), errors, cpuMs: cpu / requests,
      hits: (hits + stale) / requests, stale: stale / requests,
      byAnswer: probed === undefined ? undefined : probeStats(probedAnswers(probed)),
    };
  } finally {
    fs.rmSync(script, { force: true });
    fs.rmSync(probeFile, { force: true });
  }
}

await main();
