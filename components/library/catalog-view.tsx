import { Alert } from "@/components/ui/alert";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { SORTS, type CatalogSort } from "@/lib/library/format";
import type { VideoCardData } from "@/lib/library/cards";
import { NoVideos } from "./no-videos";
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
  mayUpload,
  surpriseEmpty = false,
}: {
  title: string;
  basePath: string;
  query: { q?: string; tags?: string[]; sort?: CatalogSort };
  sort: CatalogSort;
  items: VideoCardData[];
  nextCursor: string | null;
  endpoint: string;
  tags: string[];
  signedIn: boolean;
  mayUpload: boolean;
  /** "Surprise me" found nothing to pick with these filters. */
  surpriseEmpty?: boolean;
}) {
  const sorts = SORTS.filter((s) => (s === "relevance" ? !!query.q : s !== "watched" || signedIn));
  const filtered = !!query.q || !!query.tags?.length;
  return (
    <div className="flex flex-col gap-4">
      <PageHeader title={title} />
      <div className="-mt-2 flex flex-wrap items-center gap-2">
        <SearchBox />
        <div className="flex w-full items-center justify-between gap-2 sm:w-auto">
          <SortSelect sorts={sorts} value={sort} />
          <SurpriseLink q={query.q} tags={query.tags} />
        </div>
      </div>
      {surpriseEmpty && <Alert tone="info">Nothing to pick: no video matches these filters.</Alert>}
      <TagChips tags={tags} selected={query.tags ?? []} basePath={basePath} query={{ q: query.q, sort: query.sort }} />
      <VideoGrid
        key={endpoint}
        initial={items}
        nextCursor={nextCursor}
        endpoint={endpoint}
        signedIn={signedIn}
        empty={filtered ? <EmptyState title="Nothing matches" description="Try fewer tags or another search." /> : <NoVideos mayUpload={mayUpload} />}
      />
    </div>
  );
}
