import "server-only";
import { and, desc, eq, gte, notInArray, sql } from "drizzle-orm";
import { db } from "@/lib/db/client";
import { proxyLinks, proxyUsage, users, type NewProxyLink, type ProxyLink } from "@/lib/db/schema";
import type { SavedProgress } from "@/lib/playback/progress";

/** How many links a user's recent list keeps; older ones are removed when a new one is added. */
export const RECENT_LINKS = 20;

type LinkFacts = Omit<NewProxyLink, "id" | "createdAt" | "usedAt" | "position" | "progressDuration" | "finished">;

/** A link pasted again keeps its progress and moves to the top of the list; the list keeps the newest 20. */
export async function saveLink(facts: LinkFacts): Promise<ProxyLink> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(proxyLinks)
      .values(facts)
      .onConflictDoUpdate({ target: [proxyLinks.ownerId, proxyLinks.url], set: { ...facts, usedAt: sql`now()` } })
      .returning();
    const keep = tx.select({ id: proxyLinks.id }).from(proxyLinks).where(eq(proxyLinks.ownerId, facts.ownerId)).orderBy(desc(proxyLinks.usedAt)).limit(RECENT_LINKS);
    await tx.delete(proxyLinks).where(and(eq(proxyLinks.ownerId, facts.ownerId), notInArray(proxyLinks.id, keep)));
    return row;
  });
}

export async function findLink(id: string): Promise<ProxyLink | null> {
  const [row] = await db.select().from(proxyLinks).where(eq(proxyLinks.id, id)).limit(1);
  return row ?? null;
}

export async function listLinks(ownerId: string): Promise<ProxyLink[]> {
  return db.select().from(proxyLinks).where(eq(proxyLinks.ownerId, ownerId)).orderBy(desc(proxyLinks.usedAt)).limit(RECENT_LINKS);
}

export async function deleteLink(ownerId: string, id: string): Promise<boolean> {
  const gone = await db.delete(proxyLinks).where(and(eq(proxyLinks.ownerId, ownerId), eq(proxyLinks.id, id))).returning({ id: proxyLinks.id });
  return gone.length === 1;
}

export async function deleteLinks(ownerId: string): Promise<number> {
  const gone = await db.delete(proxyLinks).where(eq(proxyLinks.ownerId, ownerId)).returning({ id: proxyLinks.id });
  return gone.length;
}

export async function saveLinkProgress(ownerId: string, id: string, progress: SavedProgress): Promise<boolean> {
  const saved = await db
    .update(proxyLinks)
    .set({ position: progress.position, progressDuration: progress.duration, finished: progress.finished, usedAt: sql`now()` })
    .where(and(eq(proxyLinks.ownerId, ownerId), eq(proxyLinks.id, id)))
    .returning({ id: proxyLinks.id });
  return saved.length === 1;
}

export async function addProxyUsage(rows: { userId: string; day: string; bytes: number; streams: number }[]): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insert(proxyUsage)
    .values(rows)
    .onConflictDoUpdate({
      target: [proxyUsage.userId, proxyUsage.day],
      set: { bytes: sql`${proxyUsage.bytes} + excluded.bytes`, streams: sql`${proxyUsage.streams} + excluded.streams` },
    });
}

/** Bytes relayed for one user on one day (YYYY-MM-DD), as written so far. */
export async function proxyBytesOn(userId: string, day: string): Promise<number> {
  const [row] = await db
    .select({ bytes: proxyUsage.bytes })
    .from(proxyUsage)
    .where(and(eq(proxyUsage.userId, userId), eq(proxyUsage.day, day)))
    .limit(1);
  return row?.bytes ?? 0;
}

/** Per user and day since `since` (YYYY-MM-DD), biggest first: for admins. */
export async function usageSince(since: string) {
  return db
    .select({ userId: proxyUsage.userId, email: users.email, name: users.name, day: proxyUsage.day, bytes: proxyUsage.bytes, streams: proxyUsage.streams })
    .from(proxyUsage)
    .innerJoin(users, eq(users.id, proxyUsage.userId))
    .where(gte(proxyUsage.day, since))
    .orderBy(desc(proxyUsage.day), desc(proxyUsage.bytes))
    .limit(200);
}
