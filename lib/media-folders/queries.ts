import { and, asc, eq, isNull, ne, sql } from "drizzle-orm";
import { db } from "@/lib/db/client";
import { users, videos, type Video } from "@/lib/db/schema";
import { enqueue } from "@/lib/queue";
import { producerBoss } from "@/lib/queue/boss";

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

export async function markMissing(sourcePath: string): Promise<boolean> {
  const rows = await db
    .update(videos)
    .set({ status: "missing", progress: null, updatedAt: sql`now()` })
    .where(and(eq(videos.sourceKind, "folder"), eq(videos.sourcePath, sourcePath), ne(videos.status, "missing")))
    .returning({ id: videos.id });
  return rows.length > 0;
}

/**
 * The file changed (or came back): record its new size and mtime and run the pipeline again from
 * the probe, in one transaction like registerSource. Published outputs stay until the jobs replace them.
 */
export async function requeueFolderVideo(id: string, size: number, sourceMtime: Date): Promise<void> {
  await producerBoss();
  await db.transaction(async (tx) => {
    await tx
      .update(videos)
      .set({ size, sourceMtime, status: "uploaded", failureReason: null, progress: null, updatedAt: sql`now()` })
      .where(eq(videos.id, id));
    await enqueue("probe", { videoId: id }, { tx });
  });
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
