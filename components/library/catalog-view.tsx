import { SORTS, type CatalogSort } from "@/lib/library/format";
import type { LibraryVideo } from "@/lib/library/queries";
import { EmptyState } from "./empty-state";
import { SearchBox } from "./search-box";
import { SortSelect } from "./sort-select";
import { SurpriseLink } from "./surprise-link";
import { TagChips } from "./tag-chips";
import { VideoGrid } from "./video-grid";

/** Search box, sort, tag chips, "Surprise me" and the infinite grid: /videos and /tags/[tag]. */
export function CatalogView({
  title,
  basePath,
  query,
  sort,
  items,
  nextCursor,
  endpoint,
  tags,
  signedIn,
}: {
  title: string;
  basePath: string;
  query: { q?: string; tags?: string[]; sort?: CatalogSort };
  sort: CatalogSort;
  items: LibraryVideo[];
  nextCursor: string | null;
  endpoint: string;
  tags: string[];
  signedIn: boolean;
}) {
  const sorts = SORTS.filter((s) => (s === "relevance" ? !!query.q : s !== "watched" || signedIn));
  const filtered = !!query.q || !!query.tags?.length;
  return (
    <main className="mx-auto flex w-full max-w-[1920px] flex-col gap-4 px-4 py-5 sm:px-6">
      <h1 className="text-2xl font-semibold">{title}</h1>
      <div className="flex flex-wrap items-center gap-2">
        <SearchBox />
        <div className="flex w-full items-center justify-between gap-2 sm:w-auto">
          <SortSelect sorts={sorts} value={sort} />
          <SurpriseLink q={query.q} tags={query.tags} />
        </div>
      </div>
      <TagChips tags={tags} selected={query.tags ?? []} basePath={basePath} query={{ q: query.q, sort: query.sort }} />
      <VideoGrid
        key={endpoint}
        initial={items}
        nextCursor={nextCursor}
        endpoint={endpoint}
        signedIn={signedIn}
        empty={
          filtered ? (
            <EmptyState title="Nothing matches" body="Try fewer tags or another search." />
          ) : (
            <EmptyState title="No videos yet — upload one" action={{ href: "/upload", label: "Upload a video" }} />
          )
        }
      />
    </main>
  );
}
