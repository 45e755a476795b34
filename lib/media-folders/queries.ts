import { and, asc, eq, isNull, ne, sql } from "drizzle-orm";
import { db } from "@/lib/db/client";
import { users, videos, type Video } from "@/lib/db/schema";

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
