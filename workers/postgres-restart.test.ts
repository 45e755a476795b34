import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "@/scripts/lib/embedded-postgres";
import { freePort } from "@/scripts/lib/ports";

/**
 * Fault: Postgres restarts while a Reel (web process + worker process) serves requests and
 * processes videos. The test owns that Postgres (an embedded one on its own port and folder), so it
 * can stop and start it without touching the server other tests use. Web requests may fail while it
 * is down and must succeed again without restarting the web process; the worker reconnects by
 * itself; no job is lost and none takes effect twice.
 */

// Everything below (this process's pool, the web process, the worker) uses that Postgres and a data folder of its own,
// set before lib/env is read.
const { root, pgOptions, first } = await vi.hoisted(async () => {
  const [{ randomBytes }, fs, os, path, { pino }] = await Promise.all([
    import("node:crypto"), import("node:fs"), import("node:os"), import("node:path"), import("pino"),
  ]);
  const { runMigrations } = await import("@/lib/db/migrate");
  const { startEmbeddedPostgres } = await import("@/scripts/lib/embedded-postgres");
  const { freePort } = await import("@/scripts/lib/ports");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "reel-pg-restart-"));
  // Reachable by the postgres user when running as root (mkdtemp makes it 0700).
  fs.chmodSync(dir, 0o755);
  const options = {
    dataDir: path.join(dir, "pg"),
    port: await freePort(Number(process.env.REEL_PG_PORT || 54329) + 40),
    password: randomBytes(16).toString("hex"),
    log: pino({ level: "silent" }),
    ephemeral: true,
  };
  const started = await startEmbeddedPostgres(options);
  await runMigrations(started.url);
  Object.assign(process.env, { DATABASE_URL: started.url, REEL_DATA_DIR: path.join(dir, "data") });
  return { root: dir, pgOptions: options, first: started };
});
let pg: EmbeddedPostgres = first;

import { sql } from "drizzle-orm";
import { closeDb, db } from "@/lib/db/client";
import { env, paths } from "@/lib/env";
import { stopProducerBoss } from "@/lib/queue/boss";
import { cancelProcessing } from "@/lib/videos/lifecycle";
import { findVideo } from "@/lib/videos/queries";
import { freezeLadder } from "@/test/ffmpeg-processes";
import { makeSource } from "@/test/media";
import { createTokenUser } from "@/test/serve-routes";
import { startWebProcess } from "@/test/web-process";
import { VIDEO_ID_HEADER } from "@/lib/uploads/server";

const STEPS = ["probe", "faststart", "poster", "hls-ladder", "storyboard", "captions"];
const children: ChildProcess[] = [];
/** A web or worker process that died: the test fails at once, saying which. */
const deaths: string[] = [];
function watch(name: string, child: ChildProcess) {
  children.push(child);
  child.once("exit", (code, signal) => deaths.push(`the ${name} process exited (${signal ?? `code ${code}`})`));
}

/** workers/index.ts as the launcher starts it; its JSON log lines are collected. */
function startWorker(): Promise<{ child: ChildProcess; lines: Record<string, unknown>[] }> {
  // One ladder at a time, so that some jobs are still queued when Postgres goes away.
  const child = spawn(process.execPath, ["--import", "tsx", "workers/index.ts"], {
    env: { ...process.env, LOG_LEVEL: "info", REEL_LADDER_CONCURRENCY: "1" },
    stdio: ["ignore", "pipe", "inherit", "ipc"],
  });
  const lines: Record<string, unknown>[] = [];
  readline.createInterface({ input: child.stdout! }).on("line", (line) => {
    try {
      lines.push(JSON.parse(line));
    } catch {
      // Not a log line.
    }
  });
  return new Promise((resolve, reject) => {
    child.on("message", (m: { type?: string }) => {
      if (m?.type !== "ready") return;
      watch("worker", child);
      resolve({ child, lines });
    });
    child.once("exit", (code) => reject(new Error(`the worker exited during start-up (${code})`)));
  });
}

afterAll(async () => {
  try {
    for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
    await stopProducerBoss().catch(() => {});
    await closeDb();
    await pg.stop();
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

/** One request: when it was sent and when its answer (or error) came. */
type Sample = { sent: number; at: number; ok: boolean; what: string };

/** Requests one after another (health, then the catalog list), recording each outcome, until stopped. */
function requestLoop(base: string, authorization: string) {
  const samples: Sample[] = [];
  let running = true;
  const done = (async () => {
    for (let i = 0; running; i++) {
      const url = i % 2 ? `${base}/api/videos?limit=5` : `${base}/api/health`;
      let what: string;
      let ok = false;
      const sent = Date.now();
      try {
        const res = await fetch(url, { headers: { authorization }, signal: AbortSignal.timeout(15_000) });
        await res.arrayBuffer();
        ok = res.status === 200;
        what = String(res.status);
      } catch (error) {
        what = (error as Error).name;
      }
      samples.push({ sent, at: Date.now(), ok, what });
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  return {
    samples,
    stop: async () => {
      running = false;
      await done;
    },
  };
}

async function until<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs: number): Promise<T> {
  const started = Date.now();
  for (;;) {
    if (deaths.length) throw new Error(`${deaths.join("; ")} while waiting for ${what}`);
    const value = await check();
    if (value) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

type Job = { id: string; video_id: string; name: string; state: string; retry_count: number; started_on: Date };
const jobsOf = async (videoIds: string[]) =>
  [...(await db.execute<Job>(sql`select id, data->>'videoId' as video_id, name, state, retry_count, started_on from pgboss.job where name in ${STEPS} and data->>'videoId' in ${videoIds}`))];

describe("Postgres restarted under load", () => {
  let worker: Awaited<ReturnType<typeof startWorker>>;
  let web: Awaited<ReturnType<typeof startWebProcess>>;
  let authorization: string;
  beforeAll(async () => {
    worker = await startWorker();
    web = await startWebProcess(await freePort(env.PORT + 50));
    watch("web", web.child);
    ({ authorization } = await createTokenUser({ role: "admin" }));
  });

  /** Uploaded through the web process (tus, one PATCH): it becomes a video with its processing queued. */
  async function upload(clip: string): Promise<string> {
    const tus = { authorization, "tus-resumable": "1.0.0" };
    const bytes = fs.readFileSync(clip);
    const created = await fetch(`${web.url}/api/uploads`, {
      method: "POST",
      headers: { ...tus, "upload-length": String(bytes.length), "upload-metadata": `filename ${Buffer.from(path.basename(clip)).toString("base64")}` },
    });
    const done = await fetch(`${web.url}${created.headers.get("location")}`, {
      method: "PATCH",
      headers: { ...tus, "upload-offset": "0", "content-type": "application/offset+octet-stream" },
      body: new Uint8Array(bytes),
    });
    expect(done.status).toBe(204);
    return done.headers.get(VIDEO_ID_HEADER)!;
  }

  /** Each step of each video queued once and completed, and its work finished ("job done") once at most. */
  async function expectEachStepOnce(ids: string[]): Promise<Job[]> {
    // A video turns ready inside its last job, just before the queue records that job as completed.
    const jobs = await until("the videos' jobs to settle", async () => {
      const all = await jobsOf(ids);
      return all.every((j) => j.state === "completed" || j.state === "failed" || j.state === "cancelled") && all;
    }, 60_000);
    for (const id of ids) {
      for (const step of STEPS) {
        expect(jobs.filter((j) => j.video_id === id && j.name === step).map((j) => j.state), `${step} of ${id}`).toEqual(["completed"]);
        const lines = worker.lines.filter((l) => l.videoId === id && l.job === step).map((l) => String(l.msg));
        const finished = lines.filter((msg) => msg === "job done").length;
        // Postgres stopped as an attempt committed its work: the commit held, but the attempt saw its connection
        // fail, so it did not say "job done" and was retried, and the retry found the step done. Once in effect all the same.
        const committedThenCutOff = lines.includes("job failed: it will be retried") && lines.some((msg) => msg.includes("skipping"));
        expect(finished === 1 || (finished === 0 && committedThenCutOff), `${step} of ${id} finished once: ${lines.join(" | ")}`).toBe(true);
      }
      expect(fs.readdirSync(path.join(paths.media, id)).filter((n) => n.startsWith(".")), `leftovers of ${id}`).toEqual([]);
    }
    return jobs;
  }

  it("a transaction open when Postgres stops fails, and the process and its pool carry on", async () => {
    const { createDb } = await import("@/lib/db/client");
    const pool = createDb(pg.url, { max: 2 });
    const open = pool.db.transaction(async (tx) => {
      await tx.execute(sql`select pg_sleep(30)`);
    });
    const outcome = open.then(
      () => "committed",
      (error: { code?: string; cause?: { code?: string } }) => error.code ?? error.cause?.code ?? "failed",
    );
    await until("the transaction to be open", async () => {
      const [row] = await db.execute<{ n: number }>(sql`select count(*)::int as n from pg_stat_activity where query like 'select pg_sleep(30)%'`);
      return row.n > 0;
    }, 30_000);
    await pg.stop();
    // postgres.js 3.4.9 used to throw from a timer here (its ROLLBACK written to the closed connection), killing the process.
    expect(await outcome).toMatch(/CONNECTION_CLOSED|57P01/);
    pg = await startEmbeddedPostgres(pgOptions);
    const after: number[] = [];
    for (let i = 0; i < 4; i++) after.push(await pool.db.transaction(async (tx) => (await tx.execute<{ v: number }>(sql`select ${i}::int as v`))[0].v));
    expect(after).toEqual([0, 1, 2, 3]);
    await pool.sql.end({ timeout: 5 });
  });

  it("web requests recover without a restart, the worker reconnects, and every job takes effect exactly once", async () => {
    const longA = makeSource({ name: "long-a.mp4", width: 426, height: 240, fps: 15, seconds: 10 });
    // The same clip again, under a name of its own: a copy, not a second encode.
    const longB = path.join(path.dirname(longA), "long-b.mp4");
    fs.copyFileSync(longA, longB);
    const clips = [
      longA,
      longB,
      makeSource({ name: "short-c.mkv", width: 320, height: 240, fps: 15, seconds: 4, subtitles: true }),
      makeSource({ name: "short-d.mp4", width: 320, height: 240, fps: 15, seconds: 4 }),
    ];
    const loop = requestLoop(web.url, authorization);
    const ids: string[] = [];
    for (const clip of clips) ids.push(await upload(clip));

    // Restart while jobs run and others wait in the queue.
    const atStop = await until(
      "jobs running with others queued",
      async () => {
        const [counts] = await db.execute<{ active: number; queued: number }>(
          sql`select count(*) filter (where state = 'active')::int as active, count(*) filter (where state in ('created', 'retry'))::int as queued from pgboss.job where name in ${STEPS}`,
        );
        return counts.active > 0 && counts.queued > 0 && counts;
      },
      120_000,
    );
    const stoppedAt = Date.now();
    await pg.stop();
    // Down until the clients have seen it: a request failed after the stop.
    await until("a request failing while Postgres is down", () => loop.samples.some((s) => s.at > stoppedAt && !s.ok), 30_000);
    pg = await startEmbeddedPostgres(pgOptions);
    const restartedAt = Date.now();

    const ready = await until(
      "every video to settle",
      async () => {
        const videos = await Promise.all(ids.map((id) => findVideo(id)));
        return videos.every((v) => v?.status === "ready" || v?.status === "failed") && videos;
      },
      180_000,
    );
    await until("requests to succeed again", () => loop.samples.filter((s) => s.at > restartedAt && s.ok).length >= 4, 30_000);
    await loop.stop();

    // The same processes throughout: nothing was restarted to recover.
    expect(web.child.exitCode).toBeNull();
    expect(worker.child.exitCode).toBeNull();
    expect(ready.map((v) => [v!.title, v!.status, v!.failureReason])).toEqual(ready.map((v) => [v!.title, "ready", null]));

    // Requests failed only while Postgres was away, then all succeeded.
    const during = loop.samples.filter((s) => s.at > stoppedAt);
    const failures = during.filter((s) => !s.ok);
    const firstFailure = failures[0].at;
    const lastFailure = failures.at(-1)!.at;
    const recovered = during.find((s) => s.at > lastFailure && s.ok)!.at;
    const firstSentAfter = during.find((s) => s.sent >= restartedAt)!;
    const slowest = Math.max(...during.map((s) => s.at - s.sent));
    expect(loop.samples.filter((s) => s.at < stoppedAt).every((s) => s.ok)).toBe(true);
    expect(during.filter((s) => s.at > recovered).every((s) => s.ok)).toBe(true);

    // Exactly once in effect: one queue job per video and step (no step queued twice), each completed, and each
    // step's work finished exactly once per video, published without leftovers. A job cut off by the restart may
    // have run again (retry_count > 0): then its first attempt did not finish, or the next one found it done.
    const jobs = await expectEachStepOnce(ids);
    for (const job of fs.readdirSync(paths.tmp)) expect(fs.readdirSync(path.join(paths.tmp, job))).toEqual([]);
    // The worker took jobs again after the restart by itself.
    const startedAfter = jobs.filter((j) => new Date(j.started_on).getTime() > restartedAt).length;
    expect(startedAfter).toBeGreaterThan(0);

    const retried = jobs.filter((j) => j.retry_count > 0).map((j) => `${j.name}×${j.retry_count}`);
    console.info(
      `Postgres restarted under load: ${atStop.active} jobs running and ${atStop.queued} queued at the stop; Postgres away ${restartedAt - stoppedAt} ms; ` +
        `${failures.length} of ${during.length} requests after the stop failed (${failures.map((f) => f.what).join(", ")}), answered from ${firstFailure - stoppedAt} ms ` +
        `after the stop to ${lastFailure - stoppedAt} ms; slowest answer ${slowest} ms; the first request sent after Postgres was back: ` +
        `${firstSentAfter.what} in ${firstSentAfter.at - firstSentAfter.sent} ms; every answer 200 again from ${recovered - stoppedAt} ms after the stop; ` +
        `${ids.length} videos ready; ${jobs.length} jobs, each completed once (retried: ${retried.join(", ") || "none"}); ` +
        `${startedAfter} jobs started after the restart; web pid ${web.child.pid} and worker pid ${worker.child.pid} unchanged`,
    );
  }, 300_000);

  it("a job delivered again because its completion was lost takes effect once", async () => {
    // A ladder holds the only ladder slot, so that the next video's ladder waits in the queue, where it is held. Its
    // ffmpeg is stopped rather than given a long source to encode: the cancel below kills it all the same.
    const blocker = await upload(makeSource({ name: "blocker.mp4", width: 426, height: 240, fps: 30, seconds: 20 }));
    await freezeLadder(blocker);
    const id = await upload(makeSource({ name: "delivered-twice.mp4", width: 320, height: 240, fps: 15, seconds: 4 }));
    const first = await until("its faststart to complete", async () => (await jobsOf([id])).find((j) => j.name === "faststart" && j.state === "completed"), 60_000);
    const held = await db.execute(
      sql`update pgboss.job set start_after = now() + interval '1 hour' where name = 'hls-ladder' and data->>'videoId' = ${id} and state = 'created' returning id`,
    );
    expect([...held]).toHaveLength(1);
    await cancelProcessing(blocker);

    // As if the completion had not reached Postgres: the job is active again, its heartbeat stale, and
    // pg-boss's supervisor fails it and hands it out again.
    await db.execute(sql`update pgboss.job set state = 'active', completed_on = null, heartbeat_seconds = 10, heartbeat_on = now() - interval '1 hour' where id = ${first.id}`);
    const again = await until("the job to run again and complete", async () => (await jobsOf([id])).find((j) => j.id === first.id && j.state === "completed" && j.retry_count > first.retry_count), 60_000);
    // It came again while the video was being processed (once ready, it would be skipped anyway).
    expect((await findVideo(id))?.status).toBe("playable");

    await db.execute(sql`update pgboss.job set start_after = now() where name = 'hls-ladder' and data->>'videoId' = ${id} and state = 'created'`);
    await until("the video to be ready", async () => (await findVideo(id))?.status === "ready", 120_000);
    await expectEachStepOnce([id]);
    const skipped = worker.lines.filter((l) => l.videoId === id && l.job === "faststart" && String(l.msg).includes("skipping"));
    expect(skipped).toHaveLength(1);
    console.info(`faststart job delivered again (attempt ${again.retry_count + 1}) after a lost completion: skipped; each step of the video done once, none queued twice`);
  }, 300_000);
});
