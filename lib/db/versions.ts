import { sql } from "drizzle-orm";

/**
 * The catalog's version counter (drizzle/0003_content_versions.sql) as a scalar subquery, for statements that read
 * it together with what they are about: caches of rendered lists compare it on every request.
 */
export const catalogVersion = sql<string>`(select version::text from content_versions where key = 'catalog')`;
