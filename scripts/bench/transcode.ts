/**
 * `npm run bench:transcode` — the processing pipeline's speed, measured against references taken
 * in the same run on the same machine:
 *
 * 1. A 1080p30 source made with lavfi (testsrc2 + sine; `--seconds`, default 30).
 * 2. Reel's HLS ladder (runFfmpeg + playlist finalisation, exactly what the hls-ladder job runs)
 *    vs the same ffmpeg command spawned directly      → goal: ratio ≤ 1.05
 * 3. vs one separate ffmpeg encode per rung (the common approach, same settings)
 *                                                       → goal: Reel ≥ 1.3× faster
 * 4. Realtime factor of Reel's ladder (media seconds per wall-clock second).
 * 5. Upload complete → playable for a large H.264/AAC MP4 (`--big-mb`, default 1024): the file is
 *    moved into media/<id>/source/ like a finished upload, registerSource() is called, and the clock
 *    stops when a real worker process (workers/index.ts) has made the video playable. Measured for
 *    an MP4 with its index at the end (stream-copy remux) and with its index first (hard link).
 *                                                       → goal: ≤ 3 s
 *
 * Wall-clock times swing with whatever else the machine runs, so the CPU time of the ffmpeg runs is
 * reported beside them. `--only ladder|playable` runs one part.
 *
 * Database: an embedded Postgres of its own on 127.0.0.1:3449, or a database created (and dropped)
 * on the server in BENCH_DATABASE_SERVER. Everything lives in a temporary folder that is
 * removed at the end; the run stops itself after `--max-minutes` (default 30).
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const SECONDS = option("seconds", 30);
const BIG_MB = option("big-mb", 1024);
const MAX_MINUTES = option("max-minutes", 30);
const ONLY = args.includes("--only") ? args[args.indexOf("--only") + 1] : "all"; // ladder | playable | all
const EMBEDDED_PORT = 3449;

const deadline = setTimeout(() => {
  console.error(`bench:transcode stopped after ${MAX_MINUTES} minutes`);
  process.exit(2);
}, MAX_MINUTES * 60_000);
deadline.unref();

const work = fs.mkdtempSync(path.join(os.tmpdir(), "reel-bench-transcode-"));
fs.chmodSync(work, 0o755);
const cleanups: (() => Promise<void> | void)[] = [() => fs.rmSync(work, { recursive: true, force: true })];

function ffmpeg(argv: string[]) {
  execFileSync("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", ...argv], { stdio: ["ignore", "ignore", "inherit"] });
}

/**
 * CPU seconds (user + system) of this process's children that have ended, from /proc/self/stat
 * (cutime, cstime). On a machine shared with other work, wall-clock times swing with everyone
 * else's load; the CPU an ffmpeg run needed does not, so both are reported.
 */
function childCpuSeconds(): number {
  const stat = fs.readFileSync("/proc/self/stat", "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(execFileSync("getconf", ["CLK_TCK"]).toString()) || 100;
  return (Number(fields[13]) + Number(fields[14])) / ticks;
}

type Timing<T> = { ms: number; cpu: number; value: T };
async function timed<T>(fn: () => Promise<T>): Promise<Timing<T>> {
  const cpu = childCpuSeconds();
  const started = performance.now();
  const value = await fn();
  return { ms: performance.now() - started, cpu: childCpuSeconds() - cpu, value };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const fmt = (t: { ms: number; cpu: number }) => `${(t.ms / 1000).toFixed(2)} s wall, ${t.cpu.toFixed(2)} s CPU`;

/** Runs a command exactly as given, like a person would type it (minus the shell). */
function spawnDirect(argv: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn("ffmpeg", argv, { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg exited ${code}: ${stderr.slice(-500)}`))));
  });
}

async function database(): Promise<string> {
  const server = process.env.BENCH_DATABASE_SERVER;
  const name = `reel_bench_transcode_${randomBytes(3).toString("hex")}`;
  if (server) {
    process.env.REEL_DATA_DIR = work;
    const { createDatabase, dropDatabase, runMigrations } = await import("../../lib/db/migrate");
    const url = await createDatabase(server, name);
    await runMigrations(url);
    cleanups.push(() => dropDatabase(server, name));
    return url;
  }
  const { startEmbeddedPostgres } = await import("../lib/embedded-postgres");
  const { default: pino } = await import("pino");
  const pg = await startEmbeddedPostgres({ dataDir: path.join(work, "pg"), port: EMBEDDED_PORT, password: randomBytes(16).toString("hex"), database: name, log: pino({ level: "warn" }) });
  cleanups.push(() => pg.stop());
  const { runMigrations } = await import("../../lib/db/migrate");
  await runMigrations(pg.url);
  return pg.url;
}

/**
 * Environment, then the lib/ modules both parts use, loaded once the database exists (lib/env.ts reads the environment
 * at import).
 */
async function setup() {
  const databaseUrl = await database();
  Object.assign(process.env, { DATABASE_URL: databaseUrl, REEL_DATA_DIR: work, LOG_LEVEL: "warn", REEL_HWACCEL: "none" });
  const { db, closeDb } = await import("../../lib/db/client");
  const { sql } = await import("drizzle-orm");
  const { stopProducerBoss } = await import("../../lib/queue/boss");
  await db.execute(sql`select 1`); // connected from the start: the database is in use for the whole run
  cleanups.push(async () => {
    await stopProducerBoss();
    await closeDb();
  });
  return {
    db,
    sql,
    ...(await import("../../lib/env")),
    ...(await import("../../lib/ffmpeg/probe")),
    ...(await import("../../lib/ffmpeg/commands")),
    ...(await import("../../lib/ffmpeg/encoders")),
    ...(await import("../../lib/ffmpeg/run")),
    ...(await import("../../lib/transcode/ladder")),
    ...(await import("../../lib/transcode/hls-output")),
    ...(await import("../../lib/videos/ingest")),
    ...(await import("../../lib/videos/lifecycle")),
    ...(await import("../../lib/videos/queries")),
    ...(await import("../../lib/videos/outputs")),
  };
}

async function ladderBench({ probeMedia, hlsLadderArgs, CPU_ENCODER, runFfmpeg, planLadder, finalizeHlsOutput }: Awaited<ReturnType<typeof setup>>) {

  const source = path.join(work, "source-1080p.mp4");
  const made = await timed(async () =>
    ffmpeg([
      ...["-f", "lavfi", "-i", `testsrc2=size=1920x1080:rate=30:duration=${SECONDS}`, "-f", "lavfi", "-i", `sine=frequency=440:sample_rate=48000:duration=${SECONDS}`],
      ...["-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "160k", source],
    ]),
  );
  const info = await probeMedia(source);
  const plan = planLadder({ displayWidth: info.video.displayWidth, displayHeight: info.video.displayHeight, fps: info.video.fps, vfr: info.video.vfr, hasAudio: true });
  console.log(`source: ${SECONDS} s 1080p30 (${(fs.statSync(source).size / 1e6).toFixed(1)} MB, made in ${(made.ms / 1000).toFixed(1)} s); rungs ${plan.rungs.map((r) => r.name).join("/")}`);

  const outDir = (label: string) => {
    const dir = path.join(work, label);
    fs.rmSync(dir, { recursive: true, force: true });
    return dir;
  };
  const ffmpegArgs = (dir: string, rungs = plan.rungs) => ["-hide_banner", "-nostdin", "-nostats", "-loglevel", "error", "-y", ...hlsLadderArgs(source, dir, info, { ...plan, rungs }, CPU_ENCODER)];

  // The same command spawned straight, vs what the hls-ladder job runs (runFfmpeg: -progress
  // parsing, the parent-death tie; then the playlist finalisation). Alternating (direct, Reel,
  // Reel, direct) so a drift in the machine's load falls on both sides.
  let lastProgress = "";
  const runs = { direct: [] as Timing<unknown>[], reel: [] as Timing<unknown>[] };
  for (const kind of ["direct", "reel", "reel", "direct"] as const) {
    const dir = outDir(kind);
    const t =
      kind === "direct"
        ? await timed(() => spawnDirect(ffmpegArgs(dir)))
        : await timed(async () => {
            await runFfmpeg({
              args: hlsLadderArgs(source, dir, info, plan, CPU_ENCODER),
              timeLimitSeconds: 3600,
              workDir: work,
              durationSeconds: info.duration,
              onProgress: (p) => (lastProgress = `${p.percent ?? "?"}% at ${p.speed ?? "?"}x`),
            });
            return finalizeHlsOutput(dir, plan);
          });
    runs[kind].push(t);
    console.log(`  ${kind === "direct" ? "ffmpeg directly       " : "Reel's ladder (runner)"}: ${fmt(t)}${kind === "reel" ? ` (last progress ${lastProgress})` : ""}`);
  }
  const average = (ts: Timing<unknown>[]) => ({ ms: mean(ts.map((t) => t.ms)), cpu: mean(ts.map((t) => t.cpu)) });

  // The common approach: one ffmpeg per rung, each decoding the source again.
  const perRung = await timed(async () => {
    for (const rung of plan.rungs) await spawnDirect(ffmpegArgs(outDir(`rung-${rung.name}`), [rung]));
  });
  console.log(`  one ffmpeg run per rung (${plan.rungs.length} runs): ${fmt(perRung)}`);
  return { direct: average(runs.direct), reel: average(runs.reel), perRung, duration: info.duration, rungs: plan.rungs.length };
}

async function playableBench({ db, sql, probeMedia, registerSource, cancelProcessing, findVideo, outputsOf, paths }: Awaited<ReturnType<typeof setup>>) {

  // A high-bitrate 1080p H.264/AAC MP4 of about BIG_MB: a 10 s chunk stream-copied end to end.
  const chunk = path.join(work, "chunk.mp4");
  ffmpeg([
    ...["-f", "lavfi", "-i", "testsrc2=size=1920x1080:rate=30:duration=10", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=10"],
    ...["-c:v", "libx264", "-preset", "ultrafast", "-qp", "4", "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "128k", chunk],
  ]);
  const copies = Math.max(1, Math.round((BIG_MB * 1024 * 1024) / fs.statSync(chunk).size));
  const list = path.join(work, "chunks.txt");
  fs.writeFileSync(list, Array.from({ length: copies }, () => `file '${chunk}'`).join("\n"));
  const bigTail = path.join(work, "big-index-at-end.mp4");
  const bigFast = path.join(work, "big-index-first.mp4");
  ffmpeg(["-f", "concat", "-safe", "0", "-i", list, "-c", "copy", bigTail]);
  ffmpeg(["-i", bigTail, "-c", "copy", "-movflags", "+faststart", bigFast]);
  fs.rmSync(chunk);
  // An upload arrives over minutes and the kernel has long written it out; a file generated a
  // second ago would instead make the measurement wait for gigabytes of writeback.
  for (const file of [bigTail, bigFast]) {
    const fd = fs.openSync(file, "r");
    fs.fsyncSync(fd);
    fs.closeSync(fd);
  }
  const bigInfo = await probeMedia(bigTail);
  const size = fs.statSync(bigTail).size;
  console.log(`large file: ${(size / 1024 ** 3).toFixed(2)} GiB, ${Math.round(bigInfo.duration)} s of 1080p30 H.264/AAC at ${((bigInfo.bitrate ?? 0) / 1e6).toFixed(0)} Mbit/s`);

  const worker = await startWorker();
  cleanups.push(() => stopWorker(worker));
  const results: { label: string; ms: number; method?: string; probeMs: number; faststartMs: number }[] = [];
  for (const [label, file] of [
    ["index at the end (remux)", bigTail],
    ["index first (link)", bigFast],
  ] as const) {
    const id = randomUUID();
    const target = path.join(paths.media, id, "source", path.basename(file));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.renameSync(file, target); // the upload finishing: the upload server moves its file into place
    const started = performance.now();
    await registerSource({ id, ownerId: null, title: label, sourceKind: "upload", sourcePath: target, size });
    let video = await findVideo(id);
    while (video && !["playable", "processing", "ready", "failed"].includes(video.status)) {
      await new Promise((r) => setTimeout(r, 10));
      video = await findVideo(id);
    }
    const ms = performance.now() - started;
    if (!video || video.status === "failed") throw new Error(`the large file failed: ${video?.failureReason}`);
    await cancelProcessing(id).catch(() => {}); // its ladder must not compete with the next measurement
    await new Promise((r) => setTimeout(r, 500)); // pg-boss stamps completed_on just after the handler returns
    const jobs = await db.execute<{ name: string; ms: number }>(
      sql`select name, extract(epoch from (completed_on - started_on)) * 1000 as ms from pgboss.job where data->>'videoId' = ${id} and name in ('probe', 'faststart')`,
    );
    const jobMs = (name: string) => Number([...jobs].find((j) => j.name === name)?.ms ?? NaN);
    results.push({ label, ms, method: outputsOf(video.outputs).details?.mp4?.method, probeMs: jobMs("probe"), faststartMs: jobMs("faststart") });
    console.log(`  ${label}: playable after ${(ms / 1000).toFixed(2)} s`);
  }
  return { results, size };
}

async function main() {
  console.log(`bench:transcode — ${os.cpus().length} cores, load ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}, work folder ${work}`);
  const reel = await setup();
  const ladder = ONLY === "playable" ? null : await ladderBench(reel);
  const playable = ONLY === "ladder" ? null : await playableBench(reel);

  const verdict = (ok: boolean) => (ok ? "✓" : "✗");
  console.log(`\nresults (load at the end ${os.loadavg().map((l) => l.toFixed(1)).join(" ")})`);
  if (ladder) {
    const { direct, reel, perRung } = ladder;
    const ratio = (a: number, b: number) => a / b;
    console.log(`  Reel ladder / same command run directly: ${ratio(reel.ms, direct.ms).toFixed(3)} wall, ${ratio(reel.cpu, direct.cpu).toFixed(3)} CPU  (goal ≤ 1.05) ${verdict(ratio(reel.ms, direct.ms) <= 1.05)} wall ${verdict(ratio(reel.cpu, direct.cpu) <= 1.05)} CPU`);
    console.log(`  one encode per rung / Reel ladder:       ${ratio(perRung.ms, reel.ms).toFixed(2)}x wall, ${ratio(perRung.cpu, reel.cpu).toFixed(2)}x CPU  (goal ≥ 1.3x) ${verdict(ratio(perRung.ms, reel.ms) >= 1.3)} wall ${verdict(ratio(perRung.cpu, reel.cpu) >= 1.3)} CPU`);
    console.log(`  realtime factor of Reel's ladder:        ${(ladder.duration / (reel.ms / 1000)).toFixed(2)}x  (${ladder.rungs} rungs up to 1080p, ${SECONDS} s in ${(reel.ms / 1000).toFixed(1)} s wall, ${reel.cpu.toFixed(1)} s CPU on ${os.cpus().length} cores)`);
  }
  for (const p of playable?.results ?? []) {
    console.log(
      `  upload complete → playable, ${(playable!.size / 1024 ** 3).toFixed(2)} GiB, ${p.label}: ${(p.ms / 1000).toFixed(2)} s  (goal ≤ 3 s) ${verdict(p.ms <= 3000)}  [${p.method}; probe job ${Math.round(p.probeMs)} ms, faststart job ${Math.round(p.faststartMs)} ms]`,
    );
  }
}

function startWorker(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", path.resolve("workers/index.ts")], { stdio: ["ignore", "ignore", "inherit", "ipc"], env: process.env });
  return new Promise((resolve, reject) => {
    child.on("message", (m: { type?: string }) => m?.type === "ready" && resolve(child));
    child.once("exit", (code) => reject(new Error(`the worker exited (${code})`)));
  });
}

function stopWorker(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill("SIGKILL"), 10_000);
    child.once("exit", () => {
      clearTimeout(force);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

let failed = false;
try {
  await main();
} catch (error) {
  failed = true;
  console.error(error);
} finally {
  // Last registered first: worker, connections, database, then the folder.
  for (const cleanup of cleanups.reverse()) await Promise.resolve(cleanup()).catch((err) => console.error("cleanup:", err));
  clearTimeout(deadline);
}
process.exit(failed ? 1 : 0);
