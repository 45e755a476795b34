import type { Viewer } from "@/lib/auth/viewer";
import { db } from "@/lib/db/client";
import { videos, watchProgress, type NewVideo } from "@/lib/db/schema";
import { asViewer, createTestUser } from "./factories";

/** Rows for library tests (vitest and Playwright seeding): real inserts, no media files needed. */

/** A user without a password (no hashing: tests create many). */
export async function createViewer(role: "admin" | "member" = "member"): Promise<Viewer> {
  return asViewer(await createTestUser({ role, password: null }));
}

export async function createVideo(owner: Viewer | null, values: Partial<NewVideo> = {}): Promise<string> {
  const [video] = await db
    .insert(videos)
    .values({
      ownerId: owner?.id ?? null,
      title: "Untitled",
      visibility: "public",
      status: "ready",
      sourceKind: "upload",
      duration: 600,
      ...values,
    })
    .returning({ id: videos.id });
  return video.id;
}

export async function setProgress(
  viewer: Viewer,
  videoId: string,
  position: number,
  options: { duration?: number; finished?: boolean; updatedAt?: Date } = {},
) {
  const row = {
    userId: viewer.id,
    videoId,
    position,
    duration: options.duration ?? null,
    finished: options.finished ?? false,
    updatedAt: options.updatedAt ?? new Date(),
  };
  await db
    .insert(watchProgress)
    .values(row)
    .onConflictDoUpdate({ target: [watchProgress.userId, watchProgress.videoId], set: row });
}
