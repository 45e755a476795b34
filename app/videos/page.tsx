import type { Metadata } from "next";
import { CatalogView } from "@/components/library/catalog-view";
import { catalogGrid, libraryViewer } from "@/lib/library/pages";
import { catalogQueryFromSearchParams } from "@/lib/library/rules";

export const metadata: Metadata = { title: "Videos" };

export default async function VideosPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const query = catalogQueryFromSearchParams(params);
  const viewer = await libraryViewer("/videos");
  return (
    <CatalogView
      title={query.q ? `Results for “${query.q}”` : "Videos"}
      basePath="/videos"
      {...await catalogGrid(viewer, query)}
      surpriseEmpty={params.surprise === "empty"}
    />
  );
}
