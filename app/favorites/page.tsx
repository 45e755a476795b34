import type { Metadata } from "next";
import { EmptyState } from "@/components/library/empty-state";
import { VideoGrid } from "@/components/library/video-grid";
import { signedInViewer } from "@/lib/library/pages";
import { listFavorites } from "@/lib/library/queries";

export const metadata: Metadata = { title: "Favourites" };

const PAGE = 24;

export default async function FavoritesPage() {
  const viewer = await signedInViewer("/favorites");
  const page = await listFavorites(viewer, undefined, PAGE);
  return (
    <main className="mx-auto flex w-full max-w-[1920px] flex-col gap-4 px-4 py-5 sm:px-6">
      <h1 className="text-2xl font-semibold">Favourites</h1>
      <VideoGrid
        initial={page.items}
        nextCursor={page.nextCursor}
        endpoint={`/api/favorites?limit=${PAGE}`}
        signedIn
        empty={<EmptyState title="No favourites yet" body="Press ♡ on a video to keep it here." action={{ href: "/videos", label: "Browse videos" }} />}
      />
    </main>
  );
}
