import { sql } from "drizzle-orm";

/**
 * The catalog's version counters (drizzle/0003_content_versions.sql, drizzle/0007_catalog_counters.sql,
 * drizzle/0015_catalog_additions.sql) as scalar subqueries, for statements that read them together with what they are
 * about: caches of rendered lists compare them on every request. `catalogVersion` moves with what decides which videos
 * a list holds and how it shows them, but for `catalogAdditionsVersion`'s changes (a new video, a video processing made
 * playable or ready: they only add), and `catalogCountersVersion` with their view and rating counts.
 */
export const catalogVersion = sql<string>`(select version::text from content_versions where key = 'catalog')`;
export const catalogCountersVersion = sql<string>`(select version::text from content_versions where key = 'catalog_counters')`;
export const catalogAdditionsVersion = sql<string>`(select version::text from content_versions where key = 'catalog_additions')`;
