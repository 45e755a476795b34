import type { ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { sql } from "drizzle-orm";
import { db } from "@/lib/db/client";
import type { Video } from "@/lib/db/schema";
import { env } from "@/lib/env";
import { stopProducerBoss } from "@/lib/queue/boss";
import { storage, type S3MediaStorage, type StoredObject } from "@/lib/storage";
import { parseMediaPlaylist } from "@/lib/transcode/playlists";
import { adoptSourceFile } from "@/lib/uploads/adopt";
import { outputsOf } from "@/lib/videos/outputs";
import { createTestUser } from "@/test/factories";
import { freezeLadder, ladderUnderWay } from "@/test/ffmpeg-processes";
import { makeSource } from "@/test/media";
import { settled, waitForVideo } from "@/test/videos";
import { startWorkerProcess } from "@/test/worker-process";
import { removeOrphanedObjects } from "./jobs/storage-cleanup";

// Media in the tests' bucket (test/global-setup.ts), under a prefix of this file's own, and a database of this file's
// own: its queue is these workers' alone, so they take no other test's jobs. Set before lib/env is read.
const { prefix, fresh } = await vi.hoisted(async () => {
  const value = `workers-${Math.random().toString(36).slice(2, 10)}/`;
  Object.assign(process.env, { REEL_STORAGE: "s3", REEL_S3_PREFIX: value });
  const { freshDatabase } = await import("@/test/fresh-database");
  return { prefix: value, fresh: await freshDatabase() };
});

/** Three worker processes on one queue, each with its own data folder: they share only Postgres and the bucket. */
const workers: { child: ChildProcess; dataDir: string }[] = [];
let ownerId: string;

async function startWorker(): Promise<{ child: ChildProcess; dataDir: string }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "reel-s3-worker-"));
  const { child, ready } = startWorkerProcess({ REEL_STORAGE: "s3", REEL_S3_PREFIX: prefix, REEL_DATA_DIR: dataDir });
  const worker = { child, dataDir };
  workers.push(worker);
  await ready;
  return worker;
}

async function upload(name: string, seconds: number): Promise<Video> {
  const file = makeSource({ name, width: 426, height: 240, fps: 15, seconds });
  const copy = path.join(env.REEL_DATA_DIR, `${randomUUID()}.mp4`);
  fs.copyFileSync(file, copy);
  return adoptSourceFile({ file: copy, originalName: name, ownerId, title: name, sourceKind: "upload", size: fs.statSync(copy).size });
}

async function stored(videoId?: string): Promise<StoredObject[]> {
  const all: StoredObject[] = [];
  for await (const o of storage.list(videoId)) all.push(o);
  return all;
}

/** Exactly the files a ready video's row and playlists name, no more: nothing duplicated, nothing left over. */
async function expectedFiles(video: Video): Promise<string[]> {
  const outputs = outputsOf(video.outputs);
  const files = [`source/${path.basename(video.sourcePath!)}`, "mp4/video.mp4", "hls/master.m3u8", "storyboard/storyboard.vtt"];
  for (const rung of outputs.hls ?? []) {
    const playlist = parseMediaPlaylist((await storage.read(video.id, `hls/v${rung}/index.m3u8`))!.toString());
    files.push(`hls/v${rung}/index.m3u8`, `hls/v${rung}/${playlist.mapUri}`, ...playlist.segments.map((s) => `hls/v${rung}/${s.uri}`));
  }
  for (const width of outputs.poster ?? []) files.push(`thumbs/poster-${width}.webp`);
  for (let n = 1; n <= outputs.details!.storyboard!.sprites; n++) files.push(`storyboard/sprite-${n}.webp`);
  return files.sort();
}

beforeAll(async () => {
  expect(storage.kind).toBe("s3");
  ownerId = (await createTestUser({ role: "admin", name: "Uploader" })).id;
  await Promise.all([startWorker(), startWorker(), startWorker()]);
}, 120_000);

afterAll(async () => {
  for (const { child } of workers) if (child.exitCode === null) child.kill("SIGKILL");
  for (const { dataDir } of workers) fs.rmSync(dataDir, { recursive: true, force: true });
  // The bucket is shared by the run: this file's objects go.
  for (const o of await stored()) await storage.removeFile(o.videoId, o.relative);
  (storage as S3MediaStorage).client.destroy();
  await stopProducerBoss();
  await fresh.drop();
});

describe("three workers, no shared disk, one queue, media in a bucket", () => {
  const videos: Video[] = [];

  it("process six uploads, each step of each exactly once", async () => {
    for (let i = 0; i < 6; i++) videos.push(await upload(`six-${i}.mp4`, 2));
    const done = await Promise.all(videos.map((v) => waitForVideo(v.id, settled, 180_000)));
    expect(done.map((v) => v.status)).toEqual(Array(6).fill("ready"));
    const ids = videos.map((v) => v.id);
    const jobsOf = async () => [
      ...(await db.execute<{ name: string; video_id: string; state: string; retry_count: number }>(
        sql`select name, data->>'videoId' as video_id, state, retry_count from pgboss.job where data->>'videoId' in ${sql.raw(`('${ids.join("','")}')`)}`,
      )),
    ];
    // A step's handler returns (the row already says ready) a moment before pg-boss records the job completed.
    let jobs = await jobsOf();
    for (const until = Date.now() + 30_000; jobs.some((j) => j.state === "active") && Date.now() < until; jobs = await jobsOf()) {
      await new Promise((r) => setTimeout(r, 100));
    }
    for (const id of ids) {
      const mine = jobs.filter((j) => j.video_id === id);
      expect(mine.map((j) => j.name).sort()).toEqual(["captions", "faststart", "hls-ladder", "poster", "probe", "storyboard"]);
      expect(mine.filter((j) => j.state !== "completed" || j.retry_count !== 0)).toEqual([]);
    }
    // The work was spread: each worker's own folder saw jobs.
    expect(workers.filter((w) => fs.existsSync(path.join(w.dataDir, "tmp"))).length).toBeGreaterThan(1);
  }, 240_000);

  it("a ladder whose worker is SIGKILLed is completed by another; afterwards the bucket holds exactly what the rows name", async () => {
    const video = await upload("to-kill.mp4", 40);
    // Its ffmpeg stopped once the progress shows it under way: still running when its worker dies, whatever the machine.
    await freezeLadder(video.id, ladderUnderWay, 180_000);
    const holders = workers.filter((w) => {
      const dir = path.join(w.dataDir, "tmp", "hls-ladder");
      return fs.existsSync(dir) && fs.readdirSync(dir).some((n) => n.startsWith(video.id));
    });
    expect(holders).toHaveLength(1);
    holders[0].child.kill("SIGKILL");

    const done = await waitForVideo(video.id, settled, 180_000);
    expect(done.status).toBe("ready");
    const [ladder] = [...(await db.execute<{ retry_count: number }>(sql`select retry_count from pgboss.job where name = 'hls-ladder' and data->>'videoId' = ${video.id}`))];
    expect(ladder.retry_count).toBe(1);

    // What a crash between publishing and writing the row leaves: files of a video that has no row,
    // and a rung no row names.
    const s3 = storage as S3MediaStorage;
    const ghost = randomUUID();
    const leftover = path.join(env.REEL_DATA_DIR, `${ghost}.m4s`);
    fs.writeFileSync(leftover, "x");
    await s3.publishFile(ghost, "hls/v240/seg00000.m4s", leftover);
    fs.writeFileSync(leftover, "x");
    await s3.publishFile(video.id, "hls/v1080/seg00000.m4s", leftover);

    for (const { child } of workers) if (child.exitCode === null) child.kill("SIGTERM");
    const removed = await removeOrphanedObjects({ olderThanSeconds: 0 });
    expect(removed.map((o) => `${o.videoId}/${o.relative}`).sort()).toEqual([`${ghost}/hls/v240/seg00000.m4s`, `${video.id}/hls/v1080/seg00000.m4s`].sort());

    const all = await stored();
    const rows = [...videos, video];
    expect(new Set(all.map((o) => o.videoId))).toEqual(new Set(rows.map((v) => v.id)));
    for (const row of rows) {
      const ready = await waitForVideo(row.id, settled);
      const files = all.filter((o) => o.videoId === row.id).map((o) => o.relative).sort();
      expect(files, row.title).toEqual(await expectedFiles(ready));
    }
  }, 300_000);
});
