import type { ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

// A database of this file's own: its workers must take no other test's jobs, and no other file's workers its own.
const { fresh } = await vi.hoisted(async () => {
  const { freshDatabase } = await import("@/test/fresh-database");
  return { fresh: await freshDatabase() };
});

import { sql } from "drizzle-orm";
import { db } from "@/lib/db/client";
import type { Video } from "@/lib/db/schema";
import { paths } from "@/lib/env";
import { FfmpegError } from "@/lib/ffmpeg/errors";
import { isFaststart, scanTopLevelBoxes } from "@/lib/ffmpeg/mp4-boxes";
import { inputFile, NOT_ACCEPTED, runFfmpeg } from "@/lib/ffmpeg/run";
import { createBoss, stopProducerBoss } from "@/lib/queue/boss";
import { parseMediaPlaylist } from "@/lib/transcode/playlists";
import { captionsOf } from "@/lib/videos/captions";
import { registerSource } from "@/lib/videos/ingest";
import { cancelProcessing } from "@/lib/videos/lifecycle";
import { outputsOf } from "@/lib/videos/outputs";
import { findVideo } from "@/lib/videos/queries";
import { createTestUser } from "@/test/factories";
import { ffmpegRunningFor, freezeLadder, ladderUnderWay } from "@/test/ffmpeg-processes";
import { ffprobeJson, makeSource, mediaDir } from "@/test/media";
import { settled, waitForVideo } from "@/test/videos";
import { startWorkerProcess } from "@/test/worker-process";
import { failureDetail, runningJobs, startPipelineWorkers } from "./pipeline";

let ownerId: string;

beforeAll(async () => {
  ownerId = (await createTestUser({ role: "admin", name: "Uploader" })).id;
});

afterAll(async () => {
  await stopProducerBoss();
  await fresh.drop();
});

/** Like an upload: the file is moved into media/<id>/source/ and then registered. */
async function upload(file: string, title = path.basename(file)): Promise<Video> {
  const id = randomUUID();
  const dir = path.join(paths.media, id, "source");
  fs.mkdirSync(dir, { recursive: true });
  const target = path.join(dir, path.basename(file));
  fs.copyFileSync(file, target);
  return registerSource({ id, ownerId, title, sourceKind: "upload", sourcePath: target, size: fs.statSync(target).size });
}


function workFolders(job: string, videoId: string): string[] {
  const dir = path.join(paths.tmp, job);
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((n) => n.startsWith(videoId)) : [];
}

/** Keyframe times of a rung, from its playlist (ffprobe reads it like a player would). */
function keyframeTimes(playlist: string): number[] {
  const out = ffprobeJson(playlist, ["-select_streams", "v", "-show_entries", "packet=pts_time,flags"]);
  const times = (out.packets ?? []).filter((p) => String(p.flags).startsWith("K")).map((p) => Number(p.pts_time));
  // Relative to the first (B-frames delay every rung's first timestamp by the same few frames).
  return times.map((t) => Math.round((t - times[0]) * 100) / 100);
}

describe("the pipeline in one worker", () => {
  let stop: (graceMs?: number) => Promise<void>;
  beforeAll(async () => {
    const boss = createBoss("worker");
    await boss.start();
    stop = await startPipelineWorkers(boss);
  });
  afterAll(async () => {
    await stop(1000);
  });

  it("takes an upload to ready: MP4, capped and aligned HLS ladder, poster, storyboard, captions", async () => {
    const source = makeSource({ name: "ladder.mkv", width: 640, height: 360, fps: 15, seconds: 8, subtitles: true });
    const video = await upload(source);
    expect(video.status).toBe("uploaded");
    const done = await waitForVideo(video.id, settled);
    expect(done.failureReason).toBeNull();
    expect(done.status).toBe("ready");
    expect(done).toMatchObject({ width: 640, height: 360, videoCodec: "h264", audioCodec: "aac", rotation: 0 });
    expect(done.duration).toBeCloseTo(8, 0);

    const dir = path.join(paths.media, video.id);
    const outputs = outputsOf(done.outputs);
    expect(outputs).toMatchObject({ mp4: true, hls: [240, 360], poster: [320, 640], storyboard: true });
    // H.264/AAC in Matroska: a stream-copy remux into a faststart MP4.
    expect(outputs.details?.mp4?.method).toBe("remux");
    const boxes = await scanTopLevelBoxes(path.join(dir, "mp4/video.mp4"));
    expect(isFaststart(boxes!.boxes)).toBe(true);

    // Rungs stop at the source's 360p, each a real rendition of that size.
    const master = fs.readFileSync(path.join(dir, "hls/master.m3u8"), "utf8");
    const inf = master.split("\n").filter((l) => l.startsWith("#EXT-X-STREAM-INF:"));
    expect(inf).toHaveLength(2);
    for (const line of inf) expect(line).toMatch(/BANDWIDTH=\d+,AVERAGE-BANDWIDTH=\d+,RESOLUTION=\d+x\d+,CODECS="avc1\.[0-9a-f]{6},mp4a\.40\.2",FRAME-RATE=15\.000/);
    expect(master).toContain("RESOLUTION=426x240");
    expect(master).toContain("RESOLUTION=640x360");
    const times: number[][] = [];
    for (const [rung, size] of [["240", [426, 240]], ["360", [640, 360]]] as const) {
      const playlist = path.join(dir, `hls/v${rung}/index.m3u8`);
      const stream = ffprobeJson(playlist).streams.find((s) => s.codec_type === "video")!;
      expect([stream.width, stream.height]).toEqual(size);
      expect(ffprobeJson(playlist).streams.some((s) => s.codec_type === "audio")).toBe(true);
      const media = parseMediaPlaylist(fs.readFileSync(playlist, "utf8"));
      expect(media.mapUri).toBe("init.mp4");
      // ~4 s segments; the last one holds what is left (here a few audio frames past the video).
      const durations = media.segments.map((s) => s.duration);
      expect(durations.slice(0, 2)).toEqual([4, 4]);
      expect(durations.slice(2).every((d) => d < 1)).toBe(true);
      times.push(keyframeTimes(playlist));
    }
    // Keyframes every 2 s, at the same instants in every rung.
    expect(times[0].slice(0, 4)).toEqual([0, 2, 4, 6]);
    expect(times[0].every((t, i) => t === i * 2)).toBe(true);
    expect(times[1]).toEqual(times[0]);

    expect(fs.existsSync(path.join(dir, "thumbs/poster-640.webp"))).toBe(true);
    const vtt = fs.readFileSync(path.join(dir, "storyboard/storyboard.vtt"), "utf8");
    expect(vtt).toMatch(/^WEBVTT/);
    expect(vtt).toContain("sprite-1.webp#xywh=160,0,160,90");
    expect(fs.existsSync(path.join(dir, "storyboard/sprite-1.webp"))).toBe(true);

    const [caption] = await captionsOf(video.id);
    expect(caption).toMatchObject({ lang: "fra", label: "Français", origin: "embedded" });
    expect(fs.readFileSync(path.join(dir, "captions", caption.file), "utf8")).toMatch(/^WEBVTT\n\n00:00\.5\d\d --> 00:02\.0\d\d\nHello <i>there<\/i>\n/);
    // Nothing is left in the work folders.
    for (const job of ["faststart", "hls-ladder", "poster", "storyboard", "captions"]) expect(workFolders(job, video.id)).toEqual([]);
  });

  it("remuxes an MP4 whose index is at the end or a transport stream, links one that is already faststart, transcodes what a browser cannot play", async () => {
    const plain = makeSource({ name: "plain.mp4", fps: 15, seconds: 2 });
    const fast = path.join(mediaDir(), "fast.mp4");
    (await import("node:child_process")).execFileSync("ffmpeg", ["-loglevel", "error", "-y", "-i", plain, "-c", "copy", "-movflags", "+faststart", fast]);
    const other = makeSource({ name: "mpeg4.mkv", fps: 15, seconds: 2, codecArgs: ["-c:v", "mpeg4", "-c:a", "libmp3lame"] });
    // A transport stream (no index, timestamps that do not start at 0), as recorders and broadcast captures write them.
    const broadcast = makeSource({ name: "broadcast.ts", fps: 15, seconds: 4, codecArgs: ["-c:v", "libx264", "-preset", "ultrafast", "-g", "30", "-pix_fmt", "yuv420p", "-c:a", "aac"] });
    const [remuxed, linked, transcoded, stream] = await Promise.all([upload(plain), upload(fast), upload(other), upload(broadcast)]);
    const [r, a, b, t] = await Promise.all([remuxed, linked, transcoded, stream].map((v) => waitForVideo(v.id, settled)));
    expect([r.status, a.status, b.status, t.status]).toEqual(["ready", "ready", "ready", "ready"]);
    expect(ffprobeJson(path.join(paths.media, t.id, "mp4/video.mp4")).streams.map((s) => s.codec_name)).toEqual(["h264", "aac"]);

    expect(isFaststart((await scanTopLevelBoxes(plain))!.boxes)).toBe(false);
    expect(outputsOf(r.outputs).details?.mp4?.method).toBe("remux");
    const remuxedMp4 = path.join(paths.media, r.id, "mp4/video.mp4");
    expect(isFaststart((await scanTopLevelBoxes(remuxedMp4))!.boxes)).toBe(true);
    expect(ffprobeJson(remuxedMp4).streams.map((s) => s.codec_name)).toEqual(["h264", "aac"]);

    expect(outputsOf(a.outputs).details?.mp4?.method).toBe("link");
    expect(fs.statSync(path.join(paths.media, a.id, "mp4/video.mp4")).ino).toBe(fs.statSync(a.sourcePath!).ino);

    expect(outputsOf(b.outputs).details?.mp4).toEqual({ method: "transcode", encoder: "cpu" });
    const mp4 = path.join(paths.media, b.id, "mp4/video.mp4");
    const streams = ffprobeJson(mp4).streams.map((s) => s.codec_name);
    expect(streams).toEqual(["h264", "aac"]);
    expect(isFaststart((await scanTopLevelBoxes(mp4))!.boxes)).toBe(true);
  });

  it("fails bad inputs with a reason, touches nothing else, and keeps working", async () => {
    const dir = mediaDir();
    const text = path.join(dir, "holiday.mp4");
    fs.writeFileSync(text, "not a video\n".repeat(100));
    const empty = path.join(dir, "zero.mp4");
    fs.writeFileSync(empty, "");
    const audio = makeSource({ name: "song.m4a", video: false, seconds: 2 });
    const truncated = path.join(dir, "cut.mp4");
    fs.writeFileSync(truncated, fs.readFileSync(makeSource({ name: "to-cut.mp4", seconds: 3 })).subarray(0, 30_000));

    const bad = await Promise.all([text, empty, audio, truncated].map((f) => upload(f)));
    const results = await Promise.all(bad.map((v) => waitForVideo(v.id, settled)));
    expect(results.map((v) => v.status)).toEqual(["failed", "failed", "failed", "failed"]);
    expect(results[0].failureReason).toMatch(/not a video format/);
    expect(results[1].failureReason).toMatch(/empty/);
    expect(results[2].failureReason).toMatch(/no video stream \(it is audio only\)/);
    expect(results[3].failureReason).toMatch(/truncated/);
    for (const v of results) {
      expect(outputsOf(v.outputs)).toEqual({});
      expect(fs.readdirSync(path.join(paths.media, v.id))).toEqual(["source"]);
    }

    const good = await upload(makeSource({ name: "after-bad.mp4", fps: 15, seconds: 2 }));
    expect((await waitForVideo(good.id, settled)).status).toBe("ready");
  });

  it("fails an upload that is a playlist naming another video's source: same path-free reason, nothing published", async () => {
    // Another member's private video, where the data folder keeps it.
    const victimId = randomUUID();
    const victim = path.join(paths.media, victimId, "source", "private.ts");
    fs.mkdirSync(path.dirname(victim), { recursive: true });
    fs.copyFileSync(makeSource({ name: "private.ts", fps: 15, seconds: 2 }), victim);
    const playlist = (name: string, target: string) => {
      const file = path.join(mediaDir(), name);
      fs.writeFileSync(file, `#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:2.0,\n${target}\n#EXT-X-ENDLIST\n`);
      return file;
    };
    const crafted = [playlist("steal.mkv", victim), playlist("probe-for-a-path.avi", path.join(paths.media, randomUUID(), "source", "guess.mp4"))];

    const results = await Promise.all((await Promise.all(crafted.map((f) => upload(f)))).map((v) => waitForVideo(v.id, settled)));
    for (const v of results) {
      expect(v).toMatchObject({ status: "failed", failureReason: NOT_ACCEPTED });
      expect(outputsOf(v.outputs)).toEqual({});
      expect(fs.readdirSync(path.join(paths.media, v.id))).toEqual(["source"]);
    }
    expect(fs.readdirSync(path.join(paths.media, victimId))).toEqual(["source"]);
  });

  it("gives a clip with a fraction of a second of picture its poster and storyboard, without retries", async () => {
    // 0.2 s of picture over 3 s of sound: every poster candidate time is past the last frame, and
    // the storyboard's one-per-second sampling rounds it to nothing unless told otherwise.
    const clip = path.join(mediaDir(), "blink.mp4");
    (await import("node:child_process")).execFileSync("ffmpeg", [
      ...["-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=15:duration=0.2", "-f", "lavfi", "-i", "sine=duration=3"],
      ...["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", clip],
    ]);
    const done = await waitForVideo((await upload(clip)).id, settled);
    expect(done.status).toBe("ready");
    const outputs = outputsOf(done.outputs);
    expect(outputs.warnings).toBeUndefined();
    expect(outputs.poster).toEqual([320]);
    expect(outputs.storyboard).toBe(true);
    const retried = await db.execute(sql`select name from pgboss.job where data->>'videoId' = ${done.id} and retry_count > 0`);
    expect([...retried]).toEqual([]);
  });

  it("fails a video whose only keyframe is damaged at once, instead of making it ready without a picture", async () => {
    // One flipped bit in the length of the keyframe's first NAL unit: the box structure is intact
    // (the probe accepts it) but neither a copy nor a decode yields a single frame.
    const file = path.join(mediaDir(), "lost-keyframe.mp4");
    const bytes = fs.readFileSync(makeSource({ name: "one-keyframe.mp4", fps: 15, seconds: 3 }));
    const stco = bytes.indexOf("stco", 0, "latin1");
    const firstVideoChunk = bytes.readUInt32BE(stco + 12);
    bytes[firstVideoChunk + 2] ^= 0x0c;
    fs.writeFileSync(file, bytes);

    const done = await waitForVideo((await upload(file)).id, settled);
    expect(done).toMatchObject({ status: "failed", failureReason: "The video stream has no picture that can be decoded (the file is probably damaged)" });
    expect(fs.readdirSync(path.join(paths.media, done.id))).toEqual(["source"]);
    const retried = await db.execute(sql`select name from pgboss.job where data->>'videoId' = ${done.id} and retry_count > 0`);
    expect([...retried]).toEqual([]);
  });

  it("cancels a running ladder: ffmpeg killed, work files removed, nothing published", async () => {
    const video = await upload(makeSource({ name: "to-cancel.mp4", width: 426, height: 240, fps: 15, seconds: 30 }));
    await waitForVideo(video.id, (v) => v.progress?.step === "hls-ladder" && v.progress.percent > 0);
    expect(ffmpegRunningFor(video.id)).toBe(true);
    // What the worker's heartbeat publishes for the admin overview.
    expect(runningJobs()).toContainEqual(expect.objectContaining({ name: "hls-ladder", videoId: video.id }));
    const cancelled = await cancelProcessing(video.id);
    expect(cancelled).toMatchObject({ status: "failed", failureReason: "cancelled" });

    // Every job of the video ends (the poster job may still be winding down beside the ladder), each cleaning up after itself.
    const stillRunning = () => ffmpegRunningFor(video.id) || workFolders("hls-ladder", video.id).length > 0 || runningJobs().some((job) => job.videoId === video.id);
    const started = Date.now();
    while (stillRunning() && Date.now() - started < 15_000) await new Promise((r) => setTimeout(r, 50));
    expect(ffmpegRunningFor(video.id)).toBe(false);
    expect(workFolders("hls-ladder", video.id)).toEqual([]);
    expect(runningJobs().filter((job) => job.videoId === video.id)).toEqual([]);
    await new Promise((r) => setTimeout(r, 500));
    const after = await findVideo(video.id);
    expect(after).toMatchObject({ status: "failed", failureReason: "cancelled" });
    expect(outputsOf(after!.outputs).hls).toBeUndefined();
    expect(fs.existsSync(path.join(paths.media, video.id, "hls"))).toBe(false);
    const open = await db.execute(sql`select state from pgboss.job where data->>'videoId' = ${video.id} and state < 'completed'`);
    expect([...open]).toEqual([]);
  });
});

describe("the reason a step that gives up leaves", () => {
  const reasonFor = (run: Promise<unknown>) => run.then(() => "no error", failureDetail);

  it("says what kind of failure it was, never ffmpeg's words, paths or file names", async () => {
    const secret = path.join(paths.media, "someone-elses", "holiday.mp4");
    const failed = runFfmpeg({ args: [...inputFile(secret, "mov"), "-f", "null", "-"], timeLimitSeconds: 60 });
    await expect(failed).rejects.toBeInstanceOf(FfmpegError);
    expect(await reasonFor(failed)).toBe("ffmpeg could not process the file (it is probably damaged)");

    const endless = runFfmpeg({ args: ["-f", "lavfi", "-i", "testsrc2", "-f", "null", "-"], timeLimitSeconds: 0.5 });
    expect(await reasonFor(endless)).toBe("it took longer than its time limit (the file is probably damaged)");

    const other = Promise.reject(new Error(`Input file is missing: ${path.join(paths.tmp, "poster", "frame.png")}`));
    expect(await reasonFor(other)).toBe("an internal error (the details are in the worker's log)");
  });
});

describe("a worker SIGKILLed mid-ladder", () => {
  const children: ChildProcess[] = [];
  // One source for both (each upload is a copy of it): its ladder is held mid-way by freezeLadder, not by its length.
  let source: string;
  beforeAll(() => {
    source = makeSource({ name: "to-kill.mp4", width: 426, height: 240, fps: 30, seconds: 20 });
  });
  afterAll(() => {
    for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  });

  /** The real worker process, started as the launcher starts it; resolves when it takes jobs. */
  async function startWorker(): Promise<ChildProcess> {
    const { child, ready } = startWorkerProcess();
    children.push(child);
    await ready;
    return child;
  }

  it("is picked up again promptly by another worker and completes", async () => {
    const first = await startWorker();
    const video = await upload(source);
    // Its ffmpeg stopped once the progress shows it under way: still running when the worker dies, whatever the machine.
    await freezeLadder(video.id, ladderUnderWay);
    first.kill("SIGKILL");
    const killedAt = Date.now();

    // Its ffmpeg dies with it (the parent-death signal is a SIGKILL, which ends a stopped process too): no orphan goes on with the half-made ladder.
    while (ffmpegRunningFor(video.id) && Date.now() - killedAt < 5000) await new Promise((r) => setTimeout(r, 50));
    expect(ffmpegRunningFor(video.id)).toBe(false);

    await startWorker();
    const done = await waitForVideo(video.id, settled, 90_000);
    const recoveredIn = (Date.now() - killedAt) / 1000;
    expect(done.status).toBe("ready");
    expect(outputsOf(done.outputs).hls).toEqual([240]);
    // job heartbeat (10 s) + supervisor sweep (5 s) + retry delay + the ladder again: seconds, not hours.
    expect(recoveredIn).toBeLessThan(60);
    const [job] = [...(await db.execute<{ retry_count: number; output: unknown }>(sql`select retry_count, output from pgboss.job where name = 'hls-ladder' and data->>'videoId' = ${video.id}`))];
    expect(job.retry_count).toBe(1);
    console.info(`ladder recovered ${recoveredIn.toFixed(1)} s after SIGKILL`);
  }, 120_000);

  it("on its last attempt, fails the video with a reason through the dead-letter queue", async () => {
    const first = await startWorker();
    const video = await upload(source, "to-kill-last.mp4");
    await freezeLadder(video.id, ladderUnderWay);
    // As if this were already the last retry.
    await db.execute(sql`update pgboss.job set retry_count = retry_limit where name = 'hls-ladder' and data->>'videoId' = ${video.id} and state = 'active'`);
    first.kill("SIGKILL");

    await startWorker();
    const done = await waitForVideo(video.id, settled, 90_000);
    expect(done.status).toBe("failed");
    expect(done.failureReason).toMatch(/did not finish/);
    const [dead] = [...(await db.execute<{ state: string }>(sql`select state from pgboss.job where name = 'pipeline-dead-letter' and data->>'videoId' = ${video.id}`))];
    expect(dead.state).toBe("completed");
  }, 120_000);
});
