import { eq } from "drizzle-orm";
import { db } from "@/lib/db/client";
import { captions, videos, type Caption, type NewCaption, type Video } from "@/lib/db/schema";

export async function findVideoOwner(id: string): Promise<Pick<Video, "id" | "ownerId"> | null> {
  const [row] = await db.select({ id: videos.id, ownerId: videos.ownerId }).from(videos).where(eq(videos.id, id)).limit(1);
  return row ?? null;
}

export async function insertCaption(values: NewCaption): Promise<Caption> {
  const [row] = await db.insert(captions).values(values).returning();
  return row;
}
