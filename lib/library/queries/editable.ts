import "server-only";
import { sql } from "drizzle-orm";
import type { Viewer } from "@/lib/auth/viewer";
import { db } from "@/lib/db/client";
import { canManage } from "@/lib/videos/access";
import type { LibraryVideo } from "./video-rows";

/* One video for the edit page. */

export type EditableVideo = Pick<LibraryVideo, "id" | "title" | "tags" | "visibility" | "status"> & { description: string; downloadable: boolean };

/** The full editable fields of a video, when the viewer owns it or is an admin; null otherwise. */
export async function getEditableVideo(viewer: Viewer, videoId: string): Promise<EditableVideo | null> {
  const rows = await db.execute<EditableVideo & { owner_id: string | null }>(sql`
    select videos.id, videos.title, videos.description, videos.tags, videos.visibility, videos.status, videos.downloadable, videos.owner_id
    from videos where videos.id = ${videoId}`);
  const row = rows[0];
  if (!row || !canManage(viewer, { ownerId: row.owner_id })) return null;
  return { id: row.id, title: row.title, description: row.description, tags: row.tags, visibility: row.visibility, status: row.status, downloadable: row.downloadable };
}
