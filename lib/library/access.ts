import { sql, type SQL } from "drizzle-orm";
import type { Viewer } from "@/lib/auth/viewer";

/**
 * Who may see which video, as SQL conditions over the `videos` table, so that every list, search,
 * random pick and personal list filters in the same query that reads the rows (no per-row checks).
 *
 * - private: only the owner and admins
 * - unlisted: anyone who may view public videos, but only by id (never listed, searched or picked)
 * - public: every signed-in user; anonymous visitors only while the admin's guest access is on
 * - other people's videos are shown only once playable (`ready` or `playable`)
 */

/** The admin's guest-access switch, read inside the same statement (settings.value is jsonb `true`/`false`). */
export const guestAccessOn: SQL = sql`exists (select 1 from settings where key = 'guestAccess' and value = 'true'::jsonb)`;

const playable = sql`videos.status in ('ready', 'playable')`;

/** Videos that may appear in catalog lists, search results, home rows and random picks. */
export function listedTo(viewer: Viewer | null): SQL {
  if (!viewer) return sql`(videos.visibility = 'public' and ${playable} and ${guestAccessOn})`;
  // Owners and admins also see what is still processing or failed (marked in the UI).
  if (viewer.role === "admin") return sql`(videos.visibility <> 'unlisted' or videos.owner_id = ${viewer.id})`;
  return sql`((videos.visibility = 'public' and ${playable}) or videos.owner_id = ${viewer.id})`;
}

/** Videos a viewer may open by id (watch page, favourite, rate, history, continue watching). */
export function viewableBy(viewer: Viewer | null): SQL {
  if (!viewer) return sql`(videos.visibility in ('public', 'unlisted') and ${playable} and ${guestAccessOn})`;
  if (viewer.role === "admin") return sql`true`;
  return sql`((videos.visibility in ('public', 'unlisted') and ${playable}) or videos.owner_id = ${viewer.id})`;
}
