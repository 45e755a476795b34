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

function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  return fn().then((value) => ({ ms: performance.now() - started, value }));
}

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
  const { startEmbeddedPostgres } = await import("../../lib/db/embedded");
  const { default: pino } = await import("pino");
  const pg = await startEmbeddedPostgres({ dataDir: path.join(work, "pg"), port: EMBEDDED_PORT, password: randomBytes(16).toString("hex"), database: name, log: pino({ level: "warn" }) });
  cleanups.push(() => pg.stop());
  const { runMigrations } = await import("../../lib/db/migrate");
  await runMigrations(pg.url);
  return pg.url;
}

async function main() {
  const databaseUrl = await database();
  // lib/env.ts reads the environment once, at first import: set it before importing lib/.
  Object.assign(process.env, { DATABASE_URL: databaseUrl, REEL_DATA_DIR: work, LOG_LEVEL: "warn", REEL_HWACCEL: "none" });
  const { probeMedia } = await import("../../lib/ffmpeg/probe");
  const { hlsLadderArgs } = await import("../../lib/ffmpeg/commands");
  const { CPU_ENCODER } = await import("../../lib/ffmpeg/encoders");
  const { runFfmpeg } = await import("../../lib/ffmpeg/run");
  const { planLadder } = await import("../../lib/transcode/ladder");
  const { finalizeHlsOutput } = await import("../../lib/transcode/hls-output");
  const { db, closeDb } = await import("../../lib/db/client");
  const { sql } = await import("drizzle-orm");
  await db.execute(sql`select 1`); // connected from the start: the database is in use for the whole run

  console.log(`bench:transcode — ${os.cpus().length} cores, load ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}, work folder ${work}`);
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

  // Same command, spawned straight: Reel's runner adds -progress parsing, the parent-death tie
  // and the playlist finalisation. Runs alternate (direct, Reel, Reel, direct) so that drift in
  // the machine's load falls on both sides equally.
  const runDirect = () => {
    const dir = outDir("direct");
    return timed(() => spawnDirect(["-hide_banner", "-nostdin", "-nostats", "-loglevel", "error", "-y", ...hlsLadderArgs(source, dir, info, plan, CPU_ENCODER)]));
  };
  let lastProgress = "";
  const runReel = () => {
    const dir = outDir("reel");
    return timed(async () => {
      await runFfmpeg({
        args: hlsLadderArgs(source, dir, info, plan, CPU_ENCODER),
        timeLimitSeconds: 3600,
        durationSeconds: info.duration,
        onProgress: (p) => (lastProgress = `${p.percent ?? "?"}% at ${p.speed ?? "?"}x`),
      });
      return finalizeHlsOutput(dir, plan);
    });
  };
  const directRuns: number[] = [];
  const reelRuns: number[] = [];
  for (const run of ["direct", "reel", "reel", "direct"] as const) {
    const { ms } = run === "direct" ? await runDirect() : await runReel();
    (run === "direct" ? directRuns : reelRuns).push(ms);
    console.log(`  ${run === "direct" ? "ffmpeg directly       " : "Reel's ladder (runner)"}: ${(ms / 1000).toFixed(2)} s${run === "reel" ? ` (last progress ${lastProgress})` : ""}`);
  }
  const direct = { ms: directRuns.reduce((a, b) => a + b) / directRuns.length };
  const reel = { ms: reelRuns.reduce((a, b) => a + b) / reelRuns.length };

  const perRung = await timed(async () => {
    for (const rung of plan.rungs) {
      const dir = outDir(`rung-${rung.name}`);
      await spawnDirect(["-hide_banner", "-nostdin", "-nostats", "-loglevel", "error", "-y", ...hlsLadderArgs(source, dir, info, { ...plan, rungs: [rung] }, CPU_ENCODER)]);
    }
  });
  console.log(`  one ffmpeg run per rung (${plan.rungs.length} runs): ${(perRung.ms / 1000).toFixed(2)} s`);

  // Upload complete → playable.
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
  const bigInfo = await probeMedia(bigTail, { checkDecodable: false });
  console.log(`large file: ${(fs.statSync(bigTail).size / 1024 ** 3).toFixed(2)} GiB, ${Math.round(bigInfo.duration)} s of 1080p30 H.264/AAC at ${((bigInfo.bitrate ?? 0) / 1e6).toFixed(0)} Mbit/s`);

  const { registerSource } = await import("../../lib/videos/ingest");
  const { findVideo } = await import("../../lib/videos/queries");
  const { outputsOf } = await import("../../lib/videos/outputs");
  const { paths } = await import("../../lib/env");
  const { stopProducerBoss } = await import("../../lib/queue/boss");
  cleanups.push(async () => {
    await stopProducerBoss();
    await closeDb();
  });

  const worker = await startWorker();
  cleanups.push(() => stopWorker(worker));
  const playable: { label: string; ms: number; method?: string; probeMs: number; faststartMs: number }[] = [];
  for (const [label, file] of [
    ["index at the end (remux)", bigTail],
    ["index first (link)", bigFast],
  ] as const) {
    const id = randomUUID();
    const target = path.join(paths.media, id, "source", path.basename(file));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.renameSync(file, target); // the upload finishing: tus moves its file into place
    const started = performance.now();
    await registerSource({ id, ownerId: null, title: label, sourceKind: "upload", sourcePath: target, size: fs.statSync(target).size });
    let video = await findVideo(id);
    while (video && !["playable", "processing", "ready", "failed"].includes(video.status)) {
      await new Promise((r) => setTimeout(r, 10));
      video = await findVideo(id);
    }
    const ms = performance.now() - started;
    if (!video || video.status === "failed") throw new Error(`the large file failed: ${video?.failureReason}`);
    await new Promise((r) => setTimeout(r, 500)); // pg-boss marks the job completed just after its handler returns
    const jobs = await db.execute<{ name: string; ms: number }>(
      sql`select name, extract(epoch from (completed_on - started_on)) * 1000 as ms from pgboss.job where data->>'videoId' = ${id} and name in ('probe', 'faststart')`,
    );
    const jobMs = (name: string) => Number([...jobs].find((j) => j.name === name)?.ms ?? NaN);
    playable.push({ label, ms, method: outputsOf(video.outputs).details?.mp4?.method, probeMs: jobMs("probe"), faststartMs: jobMs("faststart") });
    // Stop its ladder so it does not compete with the next measurement.
    const { cancelProcessing } = await import("../../lib/videos/lifecycle");
    await cancelProcessing(id).catch(() => {});
  }

  const ratioDirect = reel.ms / direct.ms;
  const speedup = perRung.ms / reel.ms;
  const realtime = info.duration / (reel.ms / 1000);
  const verdict = (ok: boolean) => (ok ? "✓" : "✗");
  console.log("\nresults");
  console.log(`  Reel ladder / same command run directly: ${ratioDirect.toFixed(3)}  (goal ≤ 1.05) ${verdict(ratioDirect <= 1.05)}`);
  console.log(`  one encode per rung / Reel ladder:       ${speedup.toFixed(2)}x  (goal ≥ 1.3x) ${verdict(speedup >= 1.3)}`);
  console.log(`  realtime factor of Reel's ladder:        ${realtime.toFixed(2)}x  (${plan.rungs.length} rungs up to 1080p, ${SECONDS} s in ${(reel.ms / 1000).toFixed(1)} s)`);
  for (const p of playable) {
    console.log(
      `  upload complete → playable, ${(BIG_MB / 1024).toFixed(2)} GiB, ${p.label}: ${(p.ms / 1000).toFixed(2)} s  (goal ≤ 3 s) ${verdict(p.ms <= 3000)}  [${p.method}; probe job ${Math.round(p.probeMs)} ms, faststart job ${Math.round(p.faststartMs)} ms]`,
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
