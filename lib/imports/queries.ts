import "server-only";
import { and, desc, eq, inArray, sql } from "drizzle-orm";
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

const ACTIVE = ["queued", "downloading"] as const;

export function isActiveImport(row: Pick<UrlImport, "status">): boolean {
  return (ACTIVE as readonly string[]).includes(row.status);
}

/** A worker's write to an import, made only while it is queued or downloading: false once it was cancelled (or ended). */
export async function updateImport(id: string, patch: ImportPatch): Promise<boolean> {
  const updated = await db
    .update(urlImports)
    .set({ ...patch, updatedAt: sql`now()` })
    .where(and(eq(urlImports.id, id), inArray(urlImports.status, ACTIVE)))
    .returning({ id: urlImports.id });
  return updated.length === 1;
}

/** Stops an import that has not finished; its download notices at its next progress write. False when it had ended. */
export async function cancelImport(id: string): Promise<boolean> {
  return updateImport(id, { status: "cancelled" });
}

/**
 * Marks a downloading import done with its video, inside the transaction that registers the video. False when it
 * is no longer downloading (another attempt finished it first, or it was cancelled): the caller then rolls its
 * video back.
 */
export async function completeImport(tx: Tx, id: string, patch: Pick<UrlImport, "receivedBytes" | "videoId" | "fileName">): Promise<boolean> {
  const done = await tx
    .update(urlImports)
    .set({ ...patch, status: "done", updatedAt: sql`now()` })
    .where(and(eq(urlImports.id, id), eq(urlImports.status, "downloading")))
    .returning({ id: urlImports.id });
  return done.length === 1;
}

/** Progress writes never move a finished import back; false when the import is no longer downloading. */
export async function saveReceivedBytes(id: string, receivedBytes: number): Promise<boolean> {
  const saved = await db
    .update(urlImports)
    .set({ receivedBytes, updatedAt: sql`now()` })
    .where(and(eq(urlImports.id, id), eq(urlImports.status, "downloading")))
    .returning({ id: urlImports.id });
  return saved.length === 1;
}
