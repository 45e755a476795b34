import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { closeDb, db } from "@/lib/db/client";
import { videos, type Video } from "@/lib/db/schema";
import { stopProducerBoss } from "@/lib/queue/boss";
import { deleteVideo } from "@/lib/videos/lifecycle";
import { mediaFolderOverview } from "./overview";
import { findFolderVideo, firstAdminId, notifyRescan } from "./queries";
import { startMediaFolderSync, type MediaFolderSync } from "./watcher";
import { createTestUser } from "@/test/factories";
import { makeSource } from "@/test/media";

let dir: string;
let clipA: Buffer;
let clipB: Buffer;
const running: MediaFolderSync[] = [];

beforeAll(async () => {
  await createTestUser({ role: "admin" });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "reel-library-"));
  clipA = fs.readFileSync(makeSource({ name: "a.mp4", seconds: 1 }));
  clipB = fs.readFileSync(makeSource({ name: "b.mp4", seconds: 2 }));
});

afterAll(async () => {
  for (const s of running) await s.stop();
  await stopProducerBoss();
  await closeDb();
});

/** A sync of `folder` (the shared one unless a test needs its own), stopped after the file if the test has not. */
function start(lockName: string, folder = dir, stabilityMs = 300) {
  const sync = startMediaFolderSync({ dirs: [folder], stabilityMs, retryMs: 300, lockName });
  running.push(sync);
  return sync;
}

/** A folder of the test's own holding one clip under `fileName`, synced, and the video the clip became. */
async function importedAlone(folderPrefix: string, fileName: string, lockName: string) {
  const own = fs.mkdtempSync(path.join(os.tmpdir(), folderPrefix));
  const file = path.join(own, fileName);
  fs.writeFileSync(file, clipA);
  const sync = start(lockName, own, 200);
  const video = (await until("imported", () => findFolderVideo(file), Boolean)) as Video;
  return { own, file, sync, video };
}

async function until<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const row = (file: string) => findFolderVideo(path.join(dir, file));
async function probeJobs(videoId: string) {
  const rows = await db.execute<{ n: number }>(sql`select count(*)::int as n from pgboss.job where name = 'probe' and data->>'videoId' = ${videoId}`);
  return rows[0].n;
}

describe("media folders", () => {
  it("imports in place, waits for copies to finish, re-processes changes, marks removals, and watches from one process", async () => {
    fs.writeFileSync(path.join(dir, "a.mp4"), clipA);
    fs.mkdirSync(path.join(dir, "season 1"));
    fs.writeFileSync(path.join(dir, "season 1", "episode.mkv"), clipB);
    fs.writeFileSync(path.join(dir, "notes.txt"), "not a video");
    fs.writeFileSync(path.join(dir, ".hidden.mp4"), clipA);
    const before = fs.statSync(path.join(dir, "a.mp4"));

    const first = start("media-folders-test");
    const a = (await until("a.mp4 imported", () => row("a.mp4"), Boolean)) as Video;
    expect(a).toMatchObject({ sourceKind: "folder", status: "uploaded", size: clipA.length, title: "a", ownerId: await firstAdminId() });
    expect(a.sourceMtime?.getTime()).toBe(before.mtime.getTime());
    await until("episode imported", () => row("season 1/episode.mkv"), Boolean);
    await first.settled();
    expect(await row("notes.txt")).toBeNull();
    expect(await row(".hidden.mp4")).toBeNull();
    expect(await probeJobs(a.id)).toBe(1);

    // Only one process watches: a second one waits for the lock.
    const second = start("media-folders-test");
    expect(await second.nextLockAttempt()).toBe(false);
    expect(first.isLeader()).toBe(true);

    // A file being copied is not imported until its size stops changing.
    const copying = path.join(dir, "copying.mp4");
    const fd = fs.openSync(copying, "w");
    fs.writeSync(fd, clipB.subarray(0, 1000));
    await new Promise((r) => setTimeout(r, 150));
    fs.writeSync(fd, clipB.subarray(1000, 5000));
    await new Promise((r) => setTimeout(r, 150));
    expect(await row("copying.mp4")).toBeNull();
    fs.writeSync(fd, clipB.subarray(5000));
    fs.closeSync(fd);
    const copied = (await until("copy imported", () => row("copying.mp4"), Boolean)) as Video;
    expect(copied.size).toBe(clipB.length);

    // Changed: new size/mtime recorded, processed again from the probe.
    fs.writeFileSync(path.join(dir, "a.mp4"), clipB);
    const changed = await until("a.mp4 change noticed", () => row("a.mp4"), (v) => v?.size === clipB.length);
    expect(changed?.id).toBe(a.id);
    expect(await until("a second probe", () => probeJobs(a.id), (n) => n === 2)).toBe(2);

    // Removed: marked missing, nothing else touched.
    fs.rmSync(copying);
    await until("copy marked missing", () => row("copying.mp4"), (v) => v?.status === "missing");

    // The watcher goes away: the other process takes over and rescans without duplicating anything.
    await first.stop();
    await second.scanned();
    expect(second.isLeader()).toBe(true);
    await second.settled();
    const all = await db.select().from(videos).where(sql`starts_with(${videos.sourcePath}, ${dir + path.sep})`);
    expect(all).toHaveLength(3);
    expect(await probeJobs(a.id)).toBe(2);

    // Removed while nobody watched: noticed at the next start.
    await second.stop();
    fs.rmSync(path.join(dir, "season 1", "episode.mkv"));
    const third = start("media-folders-test");
    await until("episode marked missing after restart", () => row("season 1/episode.mkv"), (v) => v?.status === "missing");
    await third.stop();

    // The originals were only ever read.
    expect(fs.readFileSync(path.join(dir, "a.mp4")).equals(clipB)).toBe(true);
    expect(fs.readdirSync(dir).sort()).toEqual([".hidden.mp4", "a.mp4", "notes.txt", "season 1"]);
  });

  it("does not bring back a deleted video's file, unless the file changes", async () => {
    const { own, file, sync, video } = await importedAlone("reel-deleted-", "unwanted.mp4", "media-folders-deleted");
    await deleteVideo(video.id);
    expect(fs.readFileSync(file).equals(clipA)).toBe(true);
    await sync.stop();

    // A rescan (a restart) and a touch of the folder see the same file: it stays out.
    const again = start("media-folders-deleted", own, 200);
    fs.writeFileSync(path.join(own, "other.txt"), "x");
    await again.scanned();
    await again.settled();
    expect(await findFolderVideo(file)).toBeNull();

    // Replaced by another file under the same name: imported as a new video.
    fs.writeFileSync(file, clipB);
    const replaced = (await until("replacement imported", () => findFolderVideo(file), Boolean)) as Video;
    expect(replaced.id).not.toBe(video.id);
    expect(replaced.size).toBe(clipB.length);
    await again.stop();
  });

  it("rescans on request (a change the watcher missed), and reports each folder's videos", async () => {
    const { own, file, sync, video } = await importedAlone("reel-rescan-", "kept.mp4", "media-folders-rescan");
    await sync.settled();
    // As if an unlink event had come from a share that then came back without telling anyone.
    await db.update(videos).set({ status: "missing" }).where(eq(videos.id, video.id));
    const gone = path.join(os.tmpdir(), `reel-never-${Date.now()}`);
    const [folder, unavailable] = await mediaFolderOverview([own, gone]);
    expect(folder).toMatchObject({ path: own, available: true, videos: { total: 1, missing: 1, failed: 0, processing: 0 } });
    expect(unavailable).toMatchObject({ path: gone, available: false, videos: { total: 0 } });

    await notifyRescan();
    const back = await until("back after the rescan", () => findFolderVideo(file), (v) => v?.status !== "missing");
    expect(back?.id).toBe(video.id);
    await sync.stop();
  });

  it("leaves videos alone when their folder is unavailable (an unmounted disk)", async () => {
    const gone = fs.mkdtempSync(path.join(os.tmpdir(), "reel-unmounted-"));
    fs.writeFileSync(path.join(gone, "film.mp4"), clipA);
    const sync = start("media-folders-unmounted", gone, 200);
    const video = (await until("film imported", () => findFolderVideo(path.join(gone, "film.mp4")), Boolean)) as Video;
    await sync.stop();
    fs.rmSync(gone, { recursive: true });
    const again = start("media-folders-unmounted", gone, 200);
    await again.scanned();
    await again.settled();
    const [after] = await db.select().from(videos).where(eq(videos.id, video.id));
    expect(after.status).toBe("uploaded");
    await again.stop();
  });
});
