import { and, eq, or, sql, type SQL } from "drizzle-orm";
import type { Viewer } from "@/lib/auth/viewer";
import { settings, videos, type Video } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { getSetting } from "@/lib/settings";
import { findVideo } from "./queries";

/**
 * Who may watch a video:
 * - private  → its owner and admins;
 * - unlisted → anyone who has the link, signed in or not (it is never listed: see `visibleTo`);
 * - public   → every signed-in user, and anonymous visitors only while the admin setting
 *              `guestAccess` is on.
 * Managing a video (edit, cancel, retry, delete) is for its owner and admins.
 * Downloading its files: its owner and admins, and everyone who may watch it once an admin has made
 * it `downloadable`.
 */
type AccessFields = Pick<Video, "ownerId" | "visibility">;

/** The rule itself, with the one instance setting it depends on passed in. */
export function canViewWith(viewer: Viewer | null, video: AccessFields, guestAccess: boolean): boolean {
  if (canManage(viewer, video)) return true;
  switch (video.visibility) {
    case "unlisted":
      return true;
    case "public":
      return viewer !== null || guestAccess;
    default:
      return false;
  }
}

/** Reads `guestAccess` only when the answer depends on it (an anonymous visitor on a public video). */
export async function canView(viewer: Viewer | null, video: AccessFields): Promise<boolean> {
  const needsSetting = viewer === null && video.visibility === "public";
  return canViewWith(viewer, video, needsSetting ? await getSetting("guestAccess") : false);
}

/** The video if it exists and the viewer may see it; null either way otherwise. */
export async function findViewable(viewer: Viewer | null, id: string): Promise<Video | null> {
  const video = await findVideo(id);
  return video && (await canView(viewer, video)) ? video : null;
}

/** The video if the viewer may see it; 404 otherwise, so a private video's existence is not revealed. */
export async function requireViewable(viewer: Viewer | null, id: string): Promise<Video> {
  const video = await findViewable(viewer, id);
  if (!video) throw new AppError("not_found", "No such video");
  return video;
}

/** For a viewer who may watch the video (canView): may they also download its files? */
export function canDownload(viewer: Viewer | null, video: Pick<Video, "ownerId" | "downloadable">): boolean {
  return video.downloadable || canManage(viewer, video);
}

export function canManage(viewer: Viewer | null, video: Pick<Video, "ownerId">): boolean {
  if (!viewer) return false;
  return viewer.role === "admin" || (video.ownerId !== null && video.ownerId === viewer.id);
}

/**
 * The videos a viewer may see in listings (home, search, tags...), as a condition on `videos`.
 * Unlisted videos are listed only to their owner and admins. For anonymous visitors the guest
 * setting is read inside the same query, so the condition stays synchronous and always current.
 */
export function visibleTo(viewer: Viewer | null): SQL {
  if (viewer?.role === "admin") return sql`true`;
  if (viewer) return or(eq(videos.visibility, "public"), eq(videos.ownerId, viewer.id))!;
  return and(
    eq(videos.visibility, "public"),
    sql`exists (select 1 from ${settings} where ${settings.key} = 'guestAccess' and ${settings.value} = 'true'::jsonb)`,
  )!;
}
