import "server-only";
import { asc } from "drizzle-orm";
import { db } from "@/lib/db/client";
import { videos } from "@/lib/db/schema";
import { isActive } from "./rules";

/**
 * The videos `storage:migrate` moves, oldest first. A video a worker is still processing is `busy`:
 * its job may publish while the migration copies, so it waits for a later run.
 */
export async function videosToMigrate(): Promise<Array<{ id: string; busy: boolean }>> {
  const rows = await db.select({ id: videos.id, status: videos.status }).from(videos).orderBy(asc(videos.createdAt), asc(videos.id));
  return rows.map((r) => ({ id: r.id, busy: isActive(r.status) }));
}
