import { randomBytes, randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { videos } from "@/lib/db/schema";
import { env } from "@/lib/env";
import { createMediaHandler } from "@/lib/media/node-adapter";
import { parseKeyring } from "@/lib/media/signing";
import { bridge, fetchRaw, listen, type Served } from "@/lib/media/test-support";
import { mediaUrl } from "@/lib/media/urls";
import { createWebMediaHandler } from "@/lib/media/web-adapter";
import { diskFirst } from "./disk-first";
import { localStorage } from "./local";
import { migrateStorage, type MigrationEvent } from "./migrate";
import { videosToMigrate } from "@/lib/videos/migration-queries";
import { createS3Storage } from "./s3";

// The tests' S3 API server (test/global-setup.ts), under a prefix of this file's own; the data folder is the test run's.
const prefix = `migrate-test-${randomUUID().slice(0, 8)}/`;
const bucket = createS3Storage({ ...env, REEL_S3_PREFIX: prefix });
const keyring = parseKeyring(`m1:${randomBytes(24).toString("hex")}`);
let web: Served;
/** The same media path as a route handler, for where only Next runs. */
let routeHandler: Served;

/** A ready video's folder on disk: a two-segment ladder, an MP4, a poster. */
function writeVideoFiles(id: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>([
    ["hls/master.m3u8", Buffer.from('#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=400000,RESOLUTION=426x240\nv240/index.m3u8\n')],
    ["hls/v240/index.m3u8", Buffer.from('#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-MAP:URI="init.mp4"\n#EXTINF:4.0,\nseg00000.m4s\n#EXTINF:4.0,\nseg00001.m4s\n#EXT-X-ENDLIST\n')],
    ["hls/v240/init.mp4", randomBytes(900)],
    ["hls/v240/seg00000.m4s", randomBytes(60_000)],
    ["hls/v240/seg00001.m4s", randomBytes(50_000)],
    ["mp4/video.mp4", randomBytes(120_000)],
    ["thumbs/poster-320.webp", randomBytes(4_000)],
  ]);
  for (const [rel, bytes] of files) {
    const full = localStorage.file(id, rel);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, bytes);
  }
  return files;
}

async function readyVideo(): Promise<{ id: string; files: Map<string, Buffer> }> {
  const [row] = await db.insert(videos).values({ title: "to move", sourceKind: "upload", status: "ready" }).returning({ id: videos.id });
  return { id: row.id, files: writeVideoFiles(row.id) };
}

const playlist = (id: string, rel = "hls/v240/index.m3u8", port = web.port) => fetchRaw(port, mediaUrl(id, rel, { ttlSeconds: 600, keyring }));

async function bucketFiles(id: string): Promise<string[]> {
  const names: string[] = [];
  for await (const o of bucket.list(id)) names.push(o.relative);
  return names.sort();
}

/** Asks for each video's playlists again and again until stopped, recording every status. */
function keepAsking(ids: string[]): { stop: () => Promise<number[]> } {
  const statuses: number[] = [];
  let running = true;
  const loop = (async () => {
    while (running) for (const id of ids) for (const rel of ["hls/master.m3u8", "hls/v240/index.m3u8"]) statuses.push((await playlist(id, rel)).status);
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return statuses;
    },
  };
}

beforeAll(async () => {
  // As a web server with REEL_STORAGE=s3: the disk first, then the bucket.
  web = await listen(createMediaHandler({ bucket, keyring }));
  routeHandler = await listen(bridge(createWebMediaHandler({ bucket, keyring })));
});
afterAll(async () => {
  await web?.close();
  await routeHandler?.close();
  bucket.client.destroy();
});

describe("storage:migrate", () => {
  it("moves ready videos to the bucket and back while their playlists keep answering, and resumes after being stopped", async () => {
    const a = await readyVideo();
    const b = await readyVideo();
    const processing = await db.insert(videos).values({ title: "busy", sourceKind: "upload", status: "processing" }).returning({ id: videos.id });
    const list = await videosToMigrate();
    // Other test files share this database: look at this test's videos only.
    const busy = new Set(list.filter((v) => v.busy).map((v) => v.id));
    expect([processing[0].id, a.id, b.id].map((id) => busy.has(id))).toEqual([true, false, false]);
    const ours = list.filter((v) => v.id === a.id || v.id === b.id);

    for (const id of [a.id, b.id]) {
      const before = await playlist(id);
      expect(before.status).toBe(200);
      expect(before.body.toString()).toContain("\nseg00000.m4s\n"); // relative: from the disk
    }

    const asking = keepAsking([a.id, b.id]);
    // Stopped after 3 files, as a kill would stop it: nothing is flipped, the disk still serves everything.
    const stop = new AbortController();
    let copied = 0;
    const onEvent = (e: MigrationEvent) => {
      if (e.kind === "copied" && ++copied === 3) stop.abort();
    };
    await expect(migrateStorage({ to: "s3", bucket, videos: ours, signal: stop.signal, onEvent })).rejects.toThrow();
    expect(fs.existsSync(localStorage.file(a.id, "hls/master.m3u8"))).toBe(true);
    const firstRun = (await bucketFiles(a.id)).length + (await bucketFiles(b.id)).length;
    expect(firstRun).toBe(3);

    const events: MigrationEvent[] = [];
    const result = await migrateStorage({ to: "s3", bucket, videos: ours, onEvent: (e) => events.push(e) });
    const statuses = await asking.stop();
    expect(result.moved.sort()).toEqual([a.id, b.id].sort());
    expect(result.present).toBe(3); // verified by size, not copied again
    expect(result.copied).toBe(a.files.size + b.files.size - 3);
    expect(events.filter((e) => e.kind === "video")).toHaveLength(2);
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.every((s) => s === 200)).toBe(true);

    for (const { id, files } of [a, b]) {
      expect(await bucketFiles(id)).toEqual([...files.keys()].sort());
      expect(fs.existsSync(localStorage.videoDir(id))).toBe(false);
      // The web server keeps a file it opened for up to two seconds (lib/media/resolve.ts), then finds it in the bucket.
      let after = await playlist(id);
      for (const deadline = Date.now() + 10_000; !after.body.includes("X-Amz-Signature") && Date.now() < deadline; ) after = await playlist(id);
      expect(after.status).toBe(200);
      // From the bucket now: segments are presigned URLs of the store, which answers them with the same bytes.
      const segment = after.body.toString().split("\n").find((l) => l.includes("seg00000.m4s"))!;
      expect(segment).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/.*X-Amz-Signature=/);
      const viaRoute = await playlist(id, "hls/v240/index.m3u8", routeHandler.port);
      expect(viaRoute.status).toBe(200);
      expect(viaRoute.body.toString()).toMatch(/\nhttp:\/\/127\.0\.0\.1:\d+\/\S*seg00000\.m4s\?\S*X-Amz-Signature=/);
      const fetched = await fetch(segment);
      expect(fetched.status).toBe(200);
      expect(Buffer.from(await fetched.arrayBuffer()).equals(files.get("hls/v240/seg00000.m4s")!)).toBe(true);
    }

    // And back to the disk, the bucket's copies removed once the disk holds them.
    const asking2 = keepAsking([a.id, b.id]);
    const back = await migrateStorage({ to: "local", bucket, videos: ours, deleteSource: true });
    const statuses2 = await asking2.stop();
    expect(back.moved.sort()).toEqual([a.id, b.id].sort());
    expect(statuses2.every((s) => s === 200)).toBe(true);
    for (const { id, files } of [a, b]) {
      for (const [rel, bytes] of files) expect(fs.readFileSync(localStorage.file(id, rel)).equals(bytes)).toBe(true);
      expect(await bucketFiles(id)).toEqual([]);
      const local = await playlist(id);
      expect(local.status).toBe(200);
      expect(local.body.toString()).toContain("\nseg00000.m4s\n");
      expect((await playlist(id, "hls/v240/index.m3u8", routeHandler.port)).body.toString()).toContain("\nseg00000.m4s\n");
    }
    expect(fs.existsSync(path.join(env.REEL_DATA_DIR, "tmp", "migrate", a.id))).toBe(false);
  });

  it("refuses a bucket key that would leave the video's folder, and moves nothing of that video", async () => {
    const id = randomUUID();
    const hostile = "hls/../../../../escape.txt";
    await bucket.client.send(new PutObjectCommand({ Bucket: bucket.bucket, Key: `${prefix}${id}/${hostile}`, Body: "outside" }));
    await bucket.client.send(new PutObjectCommand({ Bucket: bucket.bucket, Key: `${prefix}${id}/mp4/video.mp4`, Body: randomBytes(1000) }));
    const listed = await bucketFiles(id);
    expect(listed).toContain(hostile); // the store keeps the name as written

    const result = await migrateStorage({ to: "local", bucket, videos: [{ id, busy: false }], deleteSource: true });
    expect(result.refused).toEqual([{ videoId: id, relative: hostile }]);
    expect(result.moved).toEqual([]);
    expect(fs.existsSync(path.resolve(localStorage.videoDir(id), hostile))).toBe(false);
    expect(fs.existsSync(localStorage.videoDir(id))).toBe(false);
    expect(await bucketFiles(id)).toEqual(listed); // the source is untouched
  });

  it("lets jobs read a video not moved yet from the disk, and what they publish replaces the disk's copy", async () => {
    const { id, files } = await readyVideo();
    const store = diskFirst(bucket);
    expect((await store.read(id, "hls/master.m3u8"))?.equals(files.get("hls/master.m3u8")!)).toBe(true);
    expect(await store.fetch(id, "hls/v240", "/nonexistent")).toBe(localStorage.file(id, "hls/v240"));

    const work = fs.mkdtempSync(path.join(env.REEL_DATA_DIR, "disk-first-"));
    fs.writeFileSync(path.join(work, "poster-320.webp"), "new poster");
    await store.publishFile(id, "thumbs/poster-320.webp", path.join(work, "poster-320.webp"));
    expect(fs.existsSync(localStorage.file(id, "thumbs/poster-320.webp"))).toBe(false);
    expect((await store.read(id, "thumbs/poster-320.webp"))?.toString()).toBe("new poster");
    await store.removeVideo(id);
    expect(fs.existsSync(localStorage.videoDir(id))).toBe(false);
    expect(await bucketFiles(id)).toEqual([]);
  });
});
