import { redirect } from "next/navigation";
import { optionalPageViewer } from "@/lib/guards/pages";
import { mayUpload, type Viewer } from "@/lib/auth/viewer";
import { getSetting } from "@/lib/settings";
import { toCard } from "./cards";
import { listCatalog, type CatalogQuery } from "./queries/catalog";
import { popularTags } from "./queries/home";
import { effectiveSort } from "./rules";

/**
 * The viewer of a browsing page (home, catalog, tags). Anonymous visitors get in only while guest
 * access is on; otherwise they are sent to sign in and brought back afterwards.
 */
export async function libraryViewer(returnTo: string): Promise<Viewer | null> {
  const viewer = await optionalPageViewer();
  if (viewer) return viewer;
  if (await getSetting("guestAccess")) return null;
  redirect(`/login?callbackUrl=${encodeURIComponent(returnTo)}`);
}

/** The JSON list the grid pages through, with the page's filters (cursor added by the grid). */
export function catalogEndpoint(query: { q?: string; tags?: string[]; sort?: string }, limit: number): string {
  const params = new URLSearchParams();
  if (query.q) params.set("q", query.q);
  if (query.tags?.length) params.set("tags", query.tags.join(","));
  if (query.sort) params.set("sort", query.sort);
  params.set("limit", String(limit));
  return `/api/videos?${params}`;
}

const GRID_PAGE = 24;

/**
 * What the catalog grid of /videos and /tags/[tag] shows (CatalogView's data): the first page of `query`, how to
 * load the next ones, and the popular tags to filter by, less `withoutTag` (the tag page's own).
 */
export async function catalogGrid(viewer: Viewer | null, query: Omit<CatalogQuery, "cursor" | "limit">, withoutTag?: string) {
  const [page, tags] = await Promise.all([listCatalog(viewer, { ...query, limit: GRID_PAGE }), popularTags(30)]);
  return {
    query,
    sort: effectiveSort(query.sort, query.q),
    items: page.items.map(toCard),
    nextCursor: page.nextCursor,
    endpoint: catalogEndpoint(query, GRID_PAGE),
    tags: tags.map((t) => t.tag).filter((t) => t !== withoutTag),
    signedIn: viewer !== null,
    mayUpload: mayUpload(viewer),
  };
}
