import { and, count, eq, inArray } from "drizzle-orm";
import type { Viewer } from "@/lib/auth/viewer";
import { db } from "@/lib/db/client";
import { urlImports, type UrlImport } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { currentFetchPolicy } from "@/lib/net/current-policy";
import { checkedAddresses, parseFetchUrl, type Resolver } from "@/lib/net/safe-fetch";
import { cancelImport, findImport, insertImport } from "./queries";
import { enqueueImport } from "./queue";

/** Imports one user may have waiting or downloading at once. */
export const MAX_ACTIVE_IMPORTS = 5;

/**
 * Accepts a URL to import: refuses at once what the fetch would refuse (scheme, credentials, a
 * private address...) so the user sees why, then records the import and queues its download in one
 * transaction. The worker checks the address again when it connects (DNS may change meanwhile).
 */
export async function startImport(viewer: Viewer, rawUrl: string, options: { resolve?: Resolver } = {}): Promise<UrlImport> {
  const url = parseFetchUrl(rawUrl.trim());
  await checkedAddresses(url, { resolve: options.resolve, policy: await currentFetchPolicy() });
  return db.transaction(async (tx) => {
    const [{ active }] = await tx
      .select({ active: count() })
      .from(urlImports)
      .where(and(eq(urlImports.ownerId, viewer.id), inArray(urlImports.status, ["queued", "downloading"])));
    if (active >= MAX_ACTIVE_IMPORTS) {
      throw new AppError("rate_limited", `You already have ${active} imports in progress; wait for one to finish`);
    }
    const row = await insertImport({ ownerId: viewer.id, url: url.href }, tx);
    await enqueueImport(row.id, tx);
    return row;
  });
}

/** What the API and the upload page show of an import. */
export function importView(row: UrlImport) {
  return {
    id: row.id,
    url: row.url,
    status: row.status,
    fileName: row.fileName,
    receivedBytes: row.receivedBytes,
    totalBytes: row.totalBytes,
    percent: row.totalBytes ? Math.min(100, Math.floor((row.receivedBytes / row.totalBytes) * 1000) / 10) : null,
    failureReason: row.failureReason,
    videoId: row.videoId,
    createdAt: row.createdAt.toISOString(),
  };
}
export type ImportView = ReturnType<typeof importView>;

/** Owners see their imports; admins see all; anyone else gets the same answer as for a missing one. */
export function mayReadImport(viewer: Viewer, row: UrlImport): boolean {
  return viewer.role === "admin" || row.ownerId === viewer.id;
}

/** Cancels an import that has not finished (its owner or an admin); a finished one is a conflict. */
export async function stopImport(viewer: Viewer, id: string): Promise<UrlImport> {
  const row = await findImport(id);
  if (!row || !mayReadImport(viewer, row)) throw new AppError("not_found", "No such import");
  if (!(await cancelImport(id))) throw new AppError("conflict", `This import has already ${row.status === "cancelled" ? "been cancelled" : "finished"}`);
  return (await findImport(id))!;
}
