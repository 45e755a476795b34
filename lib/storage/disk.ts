import "server-only";
import fs from "node:fs/promises";

/** Bytes an unprivileged process may still write on the filesystem holding `dir`. */
export async function freeBytes(dir: string): Promise<number> {
  const stats = await fs.statfs(dir);
  return stats.bavail * stats.bsize;
}

/**
 * Less free space than this counts as a full disk. ffmpeg's HLS muxer does not report failed
 * writes: on a full disk it exits 0 without a word, leaving missing or truncated segments behind
 * a playlist that lists them (ffmpeg 5.1 on a full tmpfs). So a step that failed while its disk
 * holds less than this is taken as stopped by the disk.
 */
const NEARLY_FULL_BYTES = 1024 * 1024;
const DISK_FULL_TEXT = /No space left on device|Disk quota exceeded/i;

/**
 * Whether a failure came from a full disk: ENOSPC/EDQUOT from Node, the same error in a child's
 * output (ffmpeg's stderr), or the filesystem holding `dir` (still holding the failed work) full.
 */
export async function isDiskFull(error: unknown, dir: string): Promise<boolean> {
  const { code, stderr, message } = (error ?? {}) as { code?: unknown; stderr?: unknown; message?: unknown };
  if (code === "ENOSPC" || code === "EDQUOT") return true;
  if ([stderr, message].some((text) => typeof text === "string" && DISK_FULL_TEXT.test(text))) return true;
  return (await freeBytes(dir).catch(() => Number.POSITIVE_INFINITY)) < NEARLY_FULL_BYTES;
}
