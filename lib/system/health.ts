import { db as defaultDb, type Db } from "@/lib/db/client";
import { selfTestFfmpeg } from "@/lib/ffmpeg/locate";
import { newestLiveWorker } from "./heartbeats";

export type Health = {
  status: "ok" | "down";
  db: "ok" | "down";
  worker: "ok" | "down";
  /** The ffmpeg version the workers use (or this machine's, when no worker is alive); "missing" when unusable. */
  ffmpeg: string;
};

/** A hung database must not hang the health check: monitors want a quick "down". */
const DB_TIMEOUT_MS = 3000;
const LOCAL_FFMPEG_TTL_MS = 5 * 60_000;

export async function checkHealth(options: { db?: Db } = {}): Promise<{ httpStatus: 200 | 503; body: Health }> {
  let worker: Awaited<ReturnType<typeof newestLiveWorker>>;
  try {
    worker = await withTimeout(newestLiveWorker(options.db ?? defaultDb), DB_TIMEOUT_MS);
  } catch {
    return { httpStatus: 503, body: { status: "down", db: "down", worker: "down", ffmpeg: await localFfmpeg() } };
  }
  const ffmpeg = worker ? (worker.ffmpegVersion ?? "missing") : await localFfmpeg();
  return { httpStatus: 200, body: { status: "ok", db: "ok", worker: worker ? "ok" : "down", ffmpeg } };
}

let local: { at: number; version: Promise<string> } | undefined;
function localFfmpeg() {
  if (!local || Date.now() - local.at > LOCAL_FFMPEG_TTL_MS) {
    local = { at: Date.now(), version: selfTestFfmpeg().then((t) => (t.ok && t.version ? t.version : "missing")) };
  }
  return local.version;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
