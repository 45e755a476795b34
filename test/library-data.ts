import fs from "node:fs/promises";
import { eq, sql } from "drizzle-orm";
import type { Viewer } from "@/lib/auth/viewer";
import { db } from "@/lib/db/client";
import { videos, watchProgress, type NewVideo } from "@/lib/db/schema";
import { layout, localStorage as storage } from "@/lib/storage";
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

/**
 * Tiny generated posters (a two-colour gradient per video) at the given widths, written where the
 * pipeline publishes them, and recorded in outputs.poster like the poster job does.
 */
export async function addPosters(videoId: string, hue: number, widths = [320, 640]) {
  const { default: sharp } = await import("sharp");
  const dir = storage.file(videoId, layout.thumbs);
  await fs.mkdir(dir, { recursive: true });
  for (const width of widths) {
    const height = Math.round((width * 9) / 16);
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
      <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">
        <stop offset="0" stop-color="hsl(${hue},70%,45%)"/><stop offset="1" stop-color="hsl(${(hue + 60) % 360},60%,18%)"/>
      </linearGradient></defs>
      <rect width="100%" height="100%" fill="url(#g)"/>
      <circle cx="${width * 0.72}" cy="${height * 0.4}" r="${height * 0.22}" fill="hsla(${(hue + 30) % 360},80%,70%,0.55)"/>
    </svg>`;
    await sharp(Buffer.from(svg)).webp({ quality: 70 }).toFile(storage.file(videoId, layout.poster(width)));
  }
  await db.update(videos).set({ outputs: sql`${videos.outputs} || ${JSON.stringify({ poster: widths })}::jsonb` }).where(eq(videos.id, videoId));
}
