/**
 * The browsing pages Reel's Node server keeps rendered per viewer (lib/server/catalog-fast-paths.ts and
 * lib/server/response-cache.ts): a repeated visit gets the stored HTML, without React or a query, until the catalog's
 * or the viewer's own version moves (triggers in drizzle/0003_content_versions.sql) or a minute has passed; view and
 * rating counts move a version of their own (drizzle/0007), which a stored page may lag for up to 10 s, and so do new
 * and newly ready videos (drizzle/0015), which it may lag while one render replaces it. So what
 * these pages show must move one of those versions when it changes, and only the viewer's id, role, upload right,
 * name and e-mail may decide what they show. An answer that sets a cookie is not kept. A `folder` matches every path
 * under it; the others match exactly.
 */
export const CACHED_PAGES = {
  home: { path: "/", folder: false },
  catalog: { path: "/videos", folder: false },
  tag: { path: "/tags/", folder: true },
} as const;
