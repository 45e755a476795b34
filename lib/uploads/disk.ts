import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { freeBytes } from "@/lib/storage/disk";
import { formatBytes } from "./format";

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
