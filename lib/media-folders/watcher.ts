import path from "node:path";
import { watch, type FSWatcher } from "chokidar";
import { sql } from "@/lib/db/client";
import { paths } from "@/lib/env";
import { childLogger } from "@/lib/log";
import { hasVideoExtension } from "@/lib/uploads/names";
import { RESCAN_CHANNEL } from "./queries";
import { fileRemoved, markVanished, syncFile } from "./sync";

const log = childLogger("media-folders");

/** Only the worker holding this Postgres advisory lock watches; the others wait to take over. */
export const WATCH_LOCK = "reel:media-folders";

export type MediaFolderOptions = {
  dirs: readonly string[];
  /** A file must keep the same size this long before it is imported (half-copied files wait). */
  stabilityMs?: number;
  /** How often a waiting worker asks for the lock, and the leader checks it still holds it. */
  retryMs?: number;
  lockName?: string;
};

export type MediaFolderSync = {
  isLeader(): boolean;
  /** Resolves after this process's next try for the lock (or check that it still holds it), with whether it leads. */
  nextLockAttempt(): Promise<boolean>;
  /** Resolves once this process leads and has applied its initial scan of the folders (again after a rescan or takeover). */
  scanned(): Promise<void>;
  /** Resolves when every event seen so far has been applied to the database. */
  settled(): Promise<void>;
  stop(): Promise<void>;
};

/**
 * Scans the media folders at start and keeps watching them, in ONE process across all workers: the
 * one that holds a session-level advisory lock on a reserved connection. If that connection dies
 * (worker killed, database restarted), the lock goes with it and another worker takes over.
 */
export function startMediaFolderSync(options: MediaFolderOptions): MediaFolderSync {
  const dirs = options.dirs.map((d) => path.resolve(/*turbopackIgnore: true*/ d));
  const stabilityMs = options.stabilityMs ?? 3000;
  const retryMs = options.retryMs ?? 30_000;
  const lockName = options.lockName ?? WATCH_LOCK;
  let stopped = false;
  let leader = false;
  let watcher: FSWatcher | undefined;
  let connection: Awaited<ReturnType<typeof sql.reserve>> | undefined;
  let timer: NodeJS.Timeout | undefined;
  /** Events are applied one after another, so a quick add + change cannot race in the database. */
  let chain: Promise<unknown> = Promise.resolve();
  const lockAttempts: ((leader: boolean) => void)[] = [];
  let initialScan = deferred();

  const enqueue = (what: string, file: string, work: () => Promise<unknown>) => {
    chain = chain.then(work).catch((err) => log.error({ err, file }, `media folder ${what} failed`));
  };

  const rootOf = (file: string) => dirs.find((d) => file === d || file.startsWith(d + path.sep)) ?? path.dirname(file);

  /** A rescan asked for from the admin page (network shares often send no change events): watch again from scratch. */
  let unlisten: (() => Promise<void>) | undefined;
  const rescan = () =>
    enqueue("rescan", dirs.join(", "), async () => {
      if (!leader || stopped) return;
      log.info({ dirs }, "rescanning media folders");
      await stopWatching();
      await startWatching();
    });

  async function startWatching() {
    log.info({ dirs }, "watching media folders");
    unlisten ??= (await sql.listen(RESCAN_CHANNEL, rescan)).unlisten;
    watcher = watch(dirs, {
      ignoreInitial: false,
      awaitWriteFinish: { stabilityThreshold: stabilityMs, pollInterval: Math.min(500, Math.max(50, stabilityMs / 4)) },
      ignorePermissionErrors: true,
      // Hidden files and folders, non-video files, and Reel's own data folder (if someone put it inside a media folder).
      ignored: (p, stats) =>
        path.basename(p).startsWith(".") || p === paths.data || p.startsWith(paths.data + path.sep) || (stats?.isFile() === true && !hasVideoExtension(p)),
    });
    watcher.on("add", (file) => enqueue("add", file, () => syncFile(file)));
    watcher.on("change", (file) => enqueue("change", file, () => syncFile(file)));
    watcher.on("unlink", (file) => enqueue("unlink", file, () => fileRemoved(file, rootOf(file))));
    watcher.on("error", (err) => log.warn({ err }, "media folder watcher error"));
    const scan = initialScan;
    watcher.on("ready", () => {
      for (const dir of dirs) enqueue("scan", dir, () => markVanished(dir));
      enqueue("scan", dirs.join(", "), async () => scan.resolve());
    });
  }

  async function stopWatching() {
    const current = watcher;
    watcher = undefined;
    if (current) initialScan = deferred();
    await current?.close();
  }

  async function stopListening() {
    const current = unlisten;
    unlisten = undefined;
    await current?.().catch(() => undefined);
  }

  async function releaseLock() {
    const conn = connection;
    connection = undefined;
    leader = false;
    if (!conn) return;
    await conn`select pg_advisory_unlock(hashtext(${lockName}))`.catch(() => undefined);
    conn.release();
  }

  async function tick() {
    if (stopped) return;
    try {
      if (leader && connection) {
        // Still holding it? A dead connection means the lock is gone and someone else may lead.
        await connection`select 1`;
      } else {
        connection = await sql.reserve();
        const [row] = await connection<{ locked: boolean }[]>`select pg_try_advisory_lock(hashtext(${lockName})) as locked`;
        if (row.locked) {
          leader = true;
          if (stopped) await releaseLock();
          else await startWatching();
        } else {
          const conn = connection;
          connection = undefined;
          conn.release();
        }
      }
    } catch (err) {
      log.warn({ err }, "media folder lock lost; watching stops until it is taken again");
      await stopListening();
      await stopWatching();
      connection?.release();
      connection = undefined;
      leader = false;
    }
    for (const resolve of lockAttempts.splice(0)) resolve(leader);
    if (!stopped) timer = setTimeout(() => void tick(), retryMs);
  }

  void tick();

  return {
    isLeader: () => leader,
    nextLockAttempt: () => new Promise((resolve) => lockAttempts.push(resolve)),
    scanned: () => initialScan.promise,
    settled: async () => {
      let seen: Promise<unknown>;
      do {
        seen = chain;
        await seen;
      } while (seen !== chain);
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await stopListening();
      await stopWatching();
      await chain;
      await releaseLock();
    },
  };
}

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}
