import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { CatalogView } from "@/components/library/catalog-view";
import { CACHED_PAGES } from "@/lib/library/cached-pages";
import { catalogGrid, libraryViewer } from "@/lib/library/pages";
import { catalogQueryFromSearchParams, tagSchema } from "@/lib/library/rules";

// Reel's Node server keeps this page rendered per viewer (CACHED_PAGES.tag, lib/library/cached-pages.ts): what it
// shows must move the catalog's or the viewer's version when it changes, and it must not set cookies.

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

export default async function TagPage({ params, searchParams }: Props) {
  const parsed = tagSchema.safeParse(tagParam((await params).tag));
  if (!parsed.success) notFound();
  const tag = parsed.data;
  const extra = catalogQueryFromSearchParams(await searchParams);
  const query = { ...extra, tags: [tag, ...(extra.tags ?? []).filter((t) => t !== tag)] };
  const viewer = await libraryViewer(`${CACHED_PAGES.tag.path}${encodeURIComponent(tag)}`);
  return <CatalogView title={`#${tag}`} basePath="/videos" {...await catalogGrid(viewer, query, tag)} />;
}
