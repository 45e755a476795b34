import { randomBytes } from "node:crypto";
import type { Viewer } from "@/lib/auth/viewer";
import { db } from "@/lib/db/client";
import { newApiToken } from "@/lib/auth/tokens";
import { apiTokens, users, videos, watchProgress, type NewVideo } from "@/lib/db/schema";

/** Rows for library tests (vitest and Playwright seeding): real inserts, no media files needed. */

export async function createUser(role: "admin" | "member" = "member", name = `${role}-${randomBytes(3).toString("hex")}`): Promise<Viewer> {
  const [user] = await db
    .insert(users)
    .values({ email: `${name}@example.test`, name, role })
    .returning();
  return { id: user.id, email: user.email, name: user.name, role: user.role, canUpload: user.canUpload, via: "session" };
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

/** An API token for the user, for `Authorization: Bearer` requests. */
export async function createApiToken(viewer: Viewer): Promise<string> {
  const { token, tokenHash, prefix } = newApiToken();
  await db.insert(apiTokens).values({ userId: viewer.id, name: "test", tokenHash, prefix });
  return token;
}
