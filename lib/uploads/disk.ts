import fs from "node:fs/promises";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";

/** Bytes an unprivileged process may still write on the filesystem holding `dir`. */
export async function freeBytes(dir: string): Promise<number> {
  const stats = await fs.statfs(dir);
  return stats.bavail * stats.bsize;
}

export function formatBytes(n: number): string {
  const units = ["B", "KB", "MB", "GB", "TB"];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

/**
 * Refuses (507) when writing `incoming` more bytes into `dir` would leave less than the reserve
 * free, so a big upload or import never fills the disk the database and the media live on.
 */
export async function assertRoomFor(dir: string, incoming: number, reserve = env.REEL_DISK_RESERVE_BYTES): Promise<void> {
  const free = await freeBytes(dir);
  if (free - incoming < reserve) {
    throw new AppError(
      "insufficient_storage",
      `Not enough free disk space on the server: ${formatBytes(free)} free, this needs ${formatBytes(incoming)} and ${formatBytes(reserve)} must stay free`,
      { free, incoming, reserve },
    );
  }
}
