import { and, desc, eq, sql } from "drizzle-orm";
import { db, type Tx } from "@/lib/db/client";
import { urlImports, type NewUrlImport, type UrlImport } from "@/lib/db/schema";

export async function insertImport(values: Pick<NewUrlImport, "ownerId" | "url">, tx: Tx | typeof db = db): Promise<UrlImport> {
  const [row] = await tx.insert(urlImports).values(values).returning();
  return row;
}

export async function findImport(id: string): Promise<UrlImport | null> {
  const [row] = await db.select().from(urlImports).where(eq(urlImports.id, id)).limit(1);
  return row ?? null;
}

export async function listImports(ownerId: string, limit = 20): Promise<UrlImport[]> {
  return db.select().from(urlImports).where(eq(urlImports.ownerId, ownerId)).orderBy(desc(urlImports.createdAt)).limit(limit);
}

type ImportPatch = Partial<Pick<UrlImport, "status" | "receivedBytes" | "totalBytes" | "etag" | "lastModified" | "fileName" | "failureReason" | "videoId">>;

export async function updateImport(id: string, patch: ImportPatch): Promise<void> {
  await db
    .update(urlImports)
    .set({ ...patch, updatedAt: sql`now()` })
    .where(eq(urlImports.id, id));
}

/**
 * Marks a downloading import done with its video, inside the transaction that registers the video. False when it
 * is no longer downloading (another attempt finished it first): the caller then rolls its video back.
 */
export async function completeImport(tx: Tx, id: string, patch: Pick<UrlImport, "receivedBytes" | "videoId" | "fileName">): Promise<boolean> {
  const done = await tx
    .update(urlImports)
    .set({ ...patch, status: "done", updatedAt: sql`now()` })
    .where(and(eq(urlImports.id, id), eq(urlImports.status, "downloading")))
    .returning({ id: urlImports.id });
  return done.length === 1;
}

/** Progress writes never move a finished import back. */
export async function saveProgress(id: string, receivedBytes: number): Promise<void> {
  await db
    .update(urlImports)
    .set({ receivedBytes, updatedAt: sql`now()` })
    .where(and(eq(urlImports.id, id), eq(urlImports.status, "downloading")));
}
