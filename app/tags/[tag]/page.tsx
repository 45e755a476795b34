import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { CatalogView } from "@/components/library/catalog-view";
import { mayUpload } from "@/lib/auth/viewer";
import { catalogEndpoint, libraryViewer } from "@/lib/library/pages";
import { listCatalog, popularTags } from "@/lib/library/queries";
import { catalogQueryFromSearchParams, effectiveSort, tagSchema } from "@/lib/library/rules";

/** Route params may arrive still percent-encoded; a stray "%" must not turn into a 500. */
function tagParam(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

type Props = { params: Promise<{ tag: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `#${tagParam((await params).tag)}` };
}

const PAGE = 24;

export default async function TagPage({ params, searchParams }: Props) {
  const parsed = tagSchema.safeParse(tagParam((await params).tag));
  if (!parsed.success) notFound();
  const tag = parsed.data;
  const extra = catalogQueryFromSearchParams(await searchParams);
  const query = { ...extra, tags: [tag, ...(extra.tags ?? []).filter((t) => t !== tag)] };
  const viewer = await libraryViewer(`/tags/${encodeURIComponent(tag)}`);
  const [page, tags] = await Promise.all([listCatalog(viewer, { ...query, limit: PAGE }), popularTags(30)]);
  return (
    <CatalogView
      title={`#${tag}`}
      basePath="/videos"
      query={query}
      sort={effectiveSort(query.sort, query.q)}
      items={page.items}
      nextCursor={page.nextCursor}
      endpoint={catalogEndpoint(query, PAGE)}
      tags={tags.map((t) => t.tag).filter((t) => t !== tag)}
      signedIn={viewer !== null}
      mayUpload={mayUpload(viewer)}
    />
  );
}
