import { NoVideos } from "@/components/library/no-videos";
import { VideoGrid } from "@/components/library/video-grid";
import { VideoRow } from "@/components/library/video-row";
import { mayUpload } from "@/lib/auth/viewer";
import { cardMaker } from "@/lib/library/cards";
import { CACHED_PAGES } from "@/lib/library/cached-pages";
import { catalogEndpoint, libraryViewer } from "@/lib/library/pages";
import { continueWatching, popularTags, tagRows } from "@/lib/library/queries/home";
import { listCatalog } from "@/lib/library/queries/catalog";

// Reel's Node server keeps this page rendered per viewer (CACHED_PAGES.home, lib/library/cached-pages.ts): what it
// shows must move the catalog's or the viewer's version when it changes, and it must not set cookies.

const PAGE = 24;
const TAG_ROWS = 6;

export default async function Home() {
  const viewer = await libraryViewer(CACHED_PAGES.home.path);
  const signedIn = viewer !== null;
  const topTags = (await popularTags(TAG_ROWS)).map((t) => t.tag);
  const [resume, page, rows] = await Promise.all([
    viewer ? continueWatching(viewer) : Promise.resolve([]),
    listCatalog(viewer, { sort: "newest", limit: PAGE }),
    tagRows(viewer, topTags),
  ]);

  if (!page.items.length && !resume.length) return <NoVideos mayUpload={mayUpload(viewer)} />;
  // A video may stand in several rows and the grid: one card object each, written into the payload once.
  const card = cardMaker();
  const newest = page.items.map(card);
  return (
    <div className="flex flex-col gap-8">
      <h1 className="sr-only">Home</h1>
      <VideoRow title="Continue watching" videos={resume.map(card)} signedIn={signedIn} testId="continue-watching" />
      <VideoRow title="Recently added" videos={newest.slice(0, 12)} href="/videos" signedIn={signedIn} testId="recently-added" />
      {rows.map((row) => (
        <VideoRow key={row.tag} title={`#${row.tag}`} videos={row.videos.map(card)} href={`/tags/${encodeURIComponent(row.tag)}`} signedIn={signedIn} testId="tag-row" />
      ))}
      <section className="flex flex-col gap-3" aria-labelledby="all-videos">
        <h2 id="all-videos" className="text-lg font-semibold sm:text-xl">
          All videos
        </h2>
        <VideoGrid initial={newest} nextCursor={page.nextCursor} endpoint={catalogEndpoint({ sort: "newest" }, PAGE)} signedIn={signedIn} />
      </section>
    </div>
  );
}
