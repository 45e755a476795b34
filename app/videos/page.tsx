import type { Metadata } from "next";
import { CatalogView } from "@/components/library/catalog-view";
import { mayUpload } from "@/lib/auth/viewer";
import { catalogEndpoint, libraryViewer } from "@/lib/library/pages";
import { listCatalog, popularTags } from "@/lib/library/queries";
import { catalogQueryFromSearchParams, effectiveSort } from "@/lib/library/rules";

export const metadata: Metadata = { title: "Videos" };

const PAGE = 24;

export default async function VideosPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const query = catalogQueryFromSearchParams(params);
  const viewer = await libraryViewer("/videos");
  const [page, tags] = await Promise.all([listCatalog(viewer, { ...query, limit: PAGE }), popularTags(30)]);
  return (
    <CatalogView
      title={query.q ? `Results for “${query.q}”` : "Videos"}
      basePath="/videos"
      query={query}
      sort={effectiveSort(query.sort, query.q)}
      items={page.items}
      nextCursor={page.nextCursor}
      endpoint={catalogEndpoint(query, PAGE)}
      tags={tags.map((t) => t.tag)}
      signedIn={viewer !== null}
      mayUpload={mayUpload(viewer)}
      surpriseEmpty={params.surprise === "empty"}
    />
  );
}
