import "server-only";
import { and, asc, eq, isNull, ne, sql } from "drizzle-orm";
import { db } from "@/lib/db/client";
import { mediaFolderExclusions, users, videos, type MediaFolderExclusion, type Video } from "@/lib/db/schema";

export async function findFolderVideo(sourcePath: string): Promise<Video | null> {
  const [row] = await db
    .select()
    .from(videos)
    .where(and(eq(videos.sourceKind, "folder"), eq(videos.sourcePath, sourcePath)))
    .limit(1);
  return row ?? null;
}

/** Folder videos under `dir` that are not marked missing yet. */
export async function presentFolderVideos(dir: string): Promise<Pick<Video, "id" | "sourcePath">[]> {
  return db
    .select({ id: videos.id, sourcePath: videos.sourcePath })
    .from(videos)
    .where(and(eq(videos.sourceKind, "folder"), ne(videos.status, "missing"), sql`starts_with(${videos.sourcePath}, ${dir})`));
}

/** Media-folder videos belong to the first administrator (null before anyone has set Reel up). */
export async function firstAdminId(): Promise<string | null> {
  const [row] = await db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.role, "admin"), isNull(users.disabledAt)))
    .orderBy(asc(users.createdAt))
    .limit(1);
  return row?.id ?? null;
}

export async function findExclusion(sourcePath: string): Promise<MediaFolderExclusion | null> {
  const [row] = await db.select().from(mediaFolderExclusions).where(eq(mediaFolderExclusions.sourcePath, sourcePath)).limit(1);
  return row ?? null;
}

export async function dropExclusion(sourcePath: string): Promise<void> {
  await db.delete(mediaFolderExclusions).where(eq(mediaFolderExclusions.sourcePath, sourcePath));
}

/** Videos of the folder `dir` (with a trailing separator) by status. */
export async function folderVideoCounts(dir: string): Promise<Record<string, number>> {
  const rows = await db
    .select({ status: videos.status, count: sql<number>`count(*)::int` })
    .from(videos)
    .where(and(eq(videos.sourceKind, "folder"), sql`starts_with(${videos.sourcePath}, ${dir})`))
    .groupBy(videos.status);
  return Object.fromEntries(rows.map((r) => [r.status, r.count]));
}

/** Asks the watching worker, wherever it runs, to scan every folder again. */
export async function notifyRescan(): Promise<void> {
  await db.execute(sql`select pg_notify(${RESCAN_CHANNEL}, '')`);
}

export const RESCAN_CHANNEL = "reel_media_folders_rescan";
