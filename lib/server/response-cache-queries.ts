import "server-only";
import { eq, sql } from "drizzle-orm";
import { db } from "@/lib/db/client";
import { users } from "@/lib/db/schema";
import { catalogAdditionsVersion, catalogCountersVersion, catalogVersion } from "@/lib/db/versions";
import { read } from "@/lib/library/queries/video-rows";

/**
 * What a cached list depends on (drizzle/0003, drizzle/0007, drizzle/0015): `version` is the catalog's version and the
 * viewer's own (favourites, ratings, progress), which an entry must match; `additions` the version of the changes that
 * only add to lists (new and newly ready videos) and `counters` that of the view and rating counts, which an entry may
 * lag while it is replaced or for a few seconds (./response-cache.ts).
 */
export type CacheVersions = { version: string; additions: string; counters: string };

const versionsOf = (catalog: string, own: string | number | null, additions: string, counters: string): CacheVersions => ({
  version: `${catalog}.${own ?? "-"}`,
  additions,
  counters,
});

/** The versions for `userId` (null: a guest), for callers whose user row was read elsewhere: one round trip. */
export async function cacheVersions(userId: string | null): Promise<CacheVersions> {
  const [row] = await read<{ catalog: string; additions: string; counters: string; personal: string | null }>(sql`
    select ${catalogVersion} as catalog, ${catalogAdditionsVersion} as additions, ${catalogCountersVersion} as counters,
      (select library_version::text from users where id = ${userId}) as personal`);
  return versionsOf(row.catalog, row.personal, row.additions, row.counters);
}

/** Built once (on first use, not at import: builds import this file without a database). */
function sessionUserStatement() {
  const { id, email, name, role, canUpload, disabledAt, sessionVersion, libraryVersion } = users;
  return db
    .select({
      ...{ id, email, name, role, canUpload, disabledAt, sessionVersion, libraryVersion },
      catalog: catalogVersion,
      additions: catalogAdditionsVersion,
      counters: catalogCountersVersion,
    })
    .from(users)
    .where(eq(users.id, sql.placeholder("id")))
    .limit(1)
    .prepare("cache_session_user");
}
let sessionUser: ReturnType<typeof sessionUserStatement> | undefined;

/**
 * The user a session cookie names, with the versions of the lists they would see: what every cached request of a
 * signed-in viewer needs, in one prepared statement. Null when there is no such user (any more). Whether the session
 * holds is auth's rule (sessionViewer) over this row; `guest` is what the request sees when it does not.
 */
export async function sessionUserWithVersions(userId: string) {
  sessionUser ??= sessionUserStatement();
  const [row] = await sessionUser.execute({ id: userId });
  if (!row) return null;
  const { catalog, additions, counters, libraryVersion, ...user } = row;
  return { user, versions: versionsOf(catalog, libraryVersion, additions, counters), guest: versionsOf(catalog, null, additions, counters) };
}
