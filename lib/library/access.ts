import { sql, type SQL } from "drizzle-orm";
import type { Viewer } from "@/lib/auth/viewer";
import { AppError } from "@/lib/errors";
import { getSetting } from "@/lib/settings";
import { visibleTo } from "@/lib/videos/access";

/**
 * The library's conditions over `videos`, built on the one visibility rule in lib/videos/access.ts, so
 * every list, search, random pick and personal list filters in the same query that reads the rows.
 */

const playable = sql`videos.status in ('ready', 'playable')`;

/**
 * Videos that may appear in catalog lists, search results, home rows and random picks: what the viewer
 * may see in listings, and of other people's videos only those that can be played. Owners (and admins)
 * also see what is still processing or failed; the UI marks them.
 */
export function listedTo(viewer: Viewer | null): SQL {
  const visible = visibleTo(viewer);
  if (viewer?.role === "admin") return visible;
  if (viewer) return sql`(${visible} and (${playable} or videos.owner_id = ${viewer.id}))`;
  return sql`(${visible} and ${playable})`;
}

/**
 * Videos a viewer may open by id (favourite, rate, count a view, history, continue watching): the listed
 * ones plus unlisted videos, which anyone with the link may watch — the SQL form of canView().
 */
export function viewableBy(viewer: Viewer | null): SQL {
  return sql`(${visibleTo(viewer)} or videos.visibility = 'unlisted')`;
}

/** Anonymous callers may browse only while guest access is on. */
export async function mayBrowse(viewer: Viewer | null): Promise<boolean> {
  return viewer !== null || (await getSetting("guestAccess"));
}

export async function ensureMayBrowse(viewer: Viewer | null): Promise<void> {
  if (!(await mayBrowse(viewer))) throw new AppError("unauthorized", "Sign in to continue");
}
