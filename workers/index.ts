import { randomBytes } from "node:crypto";
import os from "node:os";
import { env } from "@/lib/env";
import { chosenEncoder } from "@/lib/ffmpeg/encoders";
import { selfTestFfmpeg } from "@/lib/ffmpeg/locate";
import { childLogger } from "@/lib/log";
import { createBoss } from "@/lib/queue/boss";
import { survivePostgresRestarts } from "@/lib/system/connection-loss";
import { removeHeartbeat, upsertHeartbeat } from "@/lib/system/heartbeats";
import { onShutdown } from "@/lib/system/shutdown";
import { startMediaFolderSync } from "@/lib/media-folders/watcher";
import { startImportUrlWorker } from "./jobs/import-url";
import { startStatsRollup } from "./jobs/stats-rollup";
import { startStorageCleanup } from "./jobs/storage-cleanup";
import { runningJobs, startPipelineWorkers } from "./pipeline";

/**
 * A worker process: checks ffmpeg, announces itself with a heartbeat row every few seconds (the
 * health endpoint reads them), runs jobs, and removes its row when it stops. Any number of workers
 * may run, on any machine that reaches the database and the media storage.
 */

const HEARTBEAT_MS = 5_000;
const log = childLogger("worker");
survivePostgresRestarts(log);
const id = `${os.hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`;

/** Run in reverse order on shutdown, before the heartbeat row is removed. */
const stopHandlers: (() => Promise<void>)[] = [];
const shutdown = onShutdown(log, "worker", async () => {
  for (const stop of stopHandlers.reverse()) await stop().catch((err) => log.error({ err }, "error while stopping"));
  await removeHeartbeat(id).catch((err) => log.warn({ err }, "could not remove the heartbeat row"));
});

const ffmpeg = await selfTestFfmpeg();
if (ffmpeg.ok) {
  log.info({ version: ffmpeg.version, ffmpeg: ffmpeg.ffmpeg.command, ffprobe: ffmpeg.ffprobe.command }, `ffmpeg ${ffmpeg.version} ready`);
} else {
  log.error({ problems: ffmpeg.problems }, `ffmpeg is not usable, videos will not be processed: ${ffmpeg.problems.join(" ")}`);
}
if (!env.REEL_FFMPEG_SANDBOX) {
  log.warn("REEL_FFMPEG_SANDBOX=off: ffmpeg runs without its sandbox, so a crafted file could make it read other files on this machine");
}
// Which H.264 encoder this machine's ladders use (REEL_HWACCEL), found by a one-frame test encode.
const encoder = ffmpeg.ok ? await chosenEncoder(env.REEL_HWACCEL) : null;
if (encoder) log.info({ tried: encoder.tried }, `encoding with ${encoder.encoder.codec}`);
const row = {
  id,
  hostname: os.hostname(),
  pid: process.pid,
  ffmpegVersion: ffmpeg.ok ? ffmpeg.version : null,
  capabilities: {
    ...ffmpeg.capabilities,
    ffmpeg: ffmpeg.ffmpeg.command,
    ffprobe: ffmpeg.ffprobe.command,
    problems: ffmpeg.problems,
    ...(encoder && { encoder: encoder.encoder.kind, hwaccelTried: encoder.tried }),
  },
};
await upsertHeartbeat(row);
const heartbeat = setInterval(() => {
  upsertHeartbeat({ ...row, currentJobs: runningJobs() }).catch((err) => log.warn({ err }, "heartbeat failed"));
}, HEARTBEAT_MS);
stopHandlers.push(async () => clearInterval(heartbeat));

// Without a usable ffmpeg every job would fail: leave them queued for a worker that has one.
if (ffmpeg.ok && !shutdown.stopping) {
  const boss = createBoss("worker");
  await boss.start();
  stopHandlers.push(await startPipelineWorkers(boss, { log }));
  stopHandlers.push(await startImportUrlWorker(boss, { log }));
  stopHandlers.push(await startStorageCleanup(boss, { log }));
}

if (!shutdown.stopping) stopHandlers.push(startStatsRollup({ log }));

// Media folders: scanned and watched by exactly one worker (the holder of an advisory lock).
if (env.REEL_MEDIA_DIRS.length > 0 && !shutdown.stopping) {
  const folders = startMediaFolderSync({ dirs: env.REEL_MEDIA_DIRS });
  stopHandlers.push(() => folders.stop());
}

if (!shutdown.stopping) {
  log.info({ id }, "worker ready");
  process.send?.({ type: "ready" });
}
