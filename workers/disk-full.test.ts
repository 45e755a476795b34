import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase } from "@/test/fresh-database";

/**
 * Fault: the disk fills up during a ladder. The data folder is a small tmpfs (as root:
 * `mount -t tmpfs`), nearly filled before the video is processed, so the ladder's segments hit
 * ENOSPC. Not being allowed to mount is a failure of this test, never a skip: CI runs as root.
 */

const MOUNT_SIZE_MB = 20;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "reel-disk-full-"));
function mountSmallDisk() {
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", `size=${MOUNT_SIZE_MB}m,mode=0755`, "tmpfs", dataDir], { stdio: "pipe" });
  } catch (error) {
    const detail = (error as { stderr?: Buffer }).stderr?.toString().trim() || (error as Error).message;
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw new Error(
      `The disk-full test needs a small filesystem: \`mount -t tmpfs -o size=${MOUNT_SIZE_MB}m tmpfs ${dataDir}\` failed ` +
        `(running as uid ${process.getuid?.()}): ${detail}. Run the tests as root (CI does).`,
    );
  }
}
mountSmallDisk();
process.env.REEL_DATA_DIR = dataDir;

// Its own queue, so that the workers here only take this file's jobs.
const fresh = await freshDatabase();
const { paths } = await import("@/lib/env");
const { createBoss, stopProducerBoss } = await import("@/lib/queue/boss");
const { freeBytes } = await import("@/lib/storage/disk");
const { registerSource } = await import("@/lib/videos/ingest");
const { retryProcessing } = await import("@/lib/videos/lifecycle");
const { outputsOf } = await import("@/lib/videos/outputs");
const { createTestUser } = await import("@/test/factories");
const { makeSource } = await import("@/test/media");
const { settled, waitForVideo } = await import("@/test/videos");
const { startPipelineWorkers } = await import("./pipeline");

let stopWorkers: ((graceMs?: number) => Promise<void>) | undefined;

beforeAll(async () => {
  const boss = createBoss("worker");
  await boss.start();
  stopWorkers = await startPipelineWorkers(boss);
});

afterAll(async () => {
  try {
    await stopWorkers?.(1000);
    await stopProducerBoss();
    await fresh.drop();
  } finally {
    execFileSync("umount", ["-l", dataDir]);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});


/** Every file under `dir`, relative to it. */
function filesUnder(dir: string): string[] {
  return fs.existsSync(dir) ? (fs.readdirSync(dir, { recursive: true, withFileTypes: true }) as fs.Dirent[]).filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name))) : [];
}

describe("the disk filling up during a ladder", () => {
  it("fails the video with 'disk full', publishes nothing, frees the work folder, and a retry after space is freed ends ready", async () => {
    // Already a faststart MP4: the faststart step hard-links it, so only the ladder needs space.
    const generated = makeSource({ name: "fills-disk.mp4", width: 426, height: 240, fps: 15, seconds: 20, codecArgs: ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-movflags", "+faststart"] });
    const ownerId = (await createTestUser({ role: "admin" })).id;
    const id = randomUUID();
    const sourcePath = path.join(paths.media, id, "source", "fills-disk.mp4");
    fs.mkdirSync(path.dirname(sourcePath), { recursive: true });
    fs.renameSync(generated, sourcePath);

    // Leave ~300 KB: room for the posters, not for ~1 MB of ladder.
    const filler = path.join(dataDir, "filler");
    fs.writeFileSync(filler, Buffer.alloc((await freeBytes(dataDir)) - 300 * 1024));
    const freeBefore = await freeBytes(dataDir);
    const inodesBefore = new Set(filesUnder(dataDir).map((f) => fs.statSync(path.join(dataDir, f)).ino));

    const video = await registerSource({ id, ownerId, title: "Fills the disk", sourceKind: "upload", sourcePath, size: fs.statSync(sourcePath).size });
    const failed = await waitForVideo(video.id, settled);
    expect(failed.status).toBe("failed");
    expect(failed.failureReason).toMatch(/^Encoding the adaptive ladder failed: disk full/);
    // Nothing half-published: no hls folder in media/, and the row names no ladder.
    expect(fs.existsSync(path.join(paths.media, id, "hls"))).toBe(false);
    expect(outputsOf(failed.outputs).hls).toBeUndefined();
    // The work folder is gone, and with it the space it took.
    expect(filesUnder(path.join(paths.tmp, "hls-ladder"))).toEqual([]);
    const freeAfterFailure = await freeBytes(dataDir);
    // What the other steps wrote meanwhile (posters; a storyboard step may still be winding down on a busy machine)
    // is still there and accounted for; the ladder's megabyte of segments is not among it.
    const written = new Map<number, number>();
    for (const f of filesUnder(dataDir)) {
      const stat = fs.statSync(path.join(dataDir, f));
      if (!inodesBefore.has(stat.ino)) written.set(stat.ino, stat.size);
    }
    const writtenBytes = [...written.values()].reduce((n, size) => n + size, 0);
    expect(freeBefore - freeAfterFailure).toBeLessThanOrEqual(writtenBytes + 64 * 1024);

    fs.rmSync(filler);
    const freeAfterCleanup = await freeBytes(dataDir);
    await retryProcessing(id);
    const ready = await waitForVideo(id, settled);
    expect(ready).toMatchObject({ status: "ready", failureReason: null });
    expect(outputsOf(ready.outputs).hls).toEqual([240]);
    expect(fs.existsSync(path.join(paths.media, id, "hls", "master.m3u8"))).toBe(true);
    console.info(
      `disk full mid-ladder on a ${MOUNT_SIZE_MB} MB tmpfs: free before ${freeBefore} B, after the failure ${freeAfterFailure} B ` +
        `(files written meanwhile ${writtenBytes} B), after removing the filler ${freeAfterCleanup} B; reason "${failed.failureReason}"; retried → ${ready.status}`,
    );
  });
});
