import type { Metadata } from "next";
import { VideoGrid } from "@/components/library/video-grid";
import { ButtonLink } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageViewer } from "@/lib/guards/pages";
import { toCard } from "@/lib/library/cards";
import { listFavorites } from "@/lib/library/queries/lists";

export const metadata: Metadata = { title: "Favorites" };

export default async function FavoritesPage() {
  const viewer = await requirePageViewer("/favorites");
  const page = await listFavorites(viewer);
  return (
    <>
      <PageHeader title="Favorites" description="Videos you marked with ♡, most recent first." />
      <VideoGrid
        initial={page.items.map(toCard)}
        nextCursor={page.nextCursor}
        endpoint="/api/favorites"
        signedIn
        empty={<EmptyState title="No favorites yet" description="Press ♡ on a video to keep it here." action={<ButtonLink href="/videos">Browse videos</ButtonLink>} />}
      />
    </>
  );
}
