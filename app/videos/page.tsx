import type { Metadata } from "next";
import { CatalogView } from "@/components/library/catalog-view";
import { CACHED_PAGES } from "@/lib/library/cached-pages";
import { catalogGrid, libraryViewer } from "@/lib/library/pages";
import { catalogQueryFromSearchParams } from "@/lib/library/rules";

// Reel's Node server keeps this page rendered per viewer (CACHED_PAGES.catalog, lib/library/cached-pages.ts): what it
// shows must move the catalog's or the viewer's version when it changes, and it must not set cookies.

export const metadata: Metadata = { title: "Videos" };

export default async function VideosPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const query = catalogQueryFromSearchParams(params);
  const viewer = await libraryViewer(CACHED_PAGES.catalog.path);
  return (
    <CatalogView
      title={query.q ? `Results for “${query.q}”` : "Videos"}
      basePath="/videos"
      {...await catalogGrid(viewer, query)}
      surpriseEmpty={params.surprise === "empty"}
    />
  );
}
