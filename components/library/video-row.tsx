import Link from "next/link";
import type { VideoCardData } from "@/lib/library/cards";
import { VideoCard } from "./video-card";

/** A titled, horizontally scrolling row of cards (home page). */
export function VideoRow({ title, videos, href, signedIn, testId }: { title: string; videos: VideoCardData[]; href?: string; signedIn: boolean; testId?: string }) {
  if (!videos.length) return null;
  return (
    <section className="flex flex-col gap-3" data-testid={testId} aria-label={title}>
      <div className="flex items-baseline justify-between gap-4">
        <h2 className="text-lg font-semibold sm:text-xl">{title}</h2>
        {href && (
          <Link href={href} className="text-sm text-muted hover:text-fg">
            See all
          </Link>
        )}
      </div>
      <ul className="-mx-4 flex snap-x scroll-px-4 gap-3 overflow-x-auto scroll-smooth px-4 pb-2 [scrollbar-width:thin] sm:-mx-6 sm:scroll-px-6 sm:px-6 lg:-mx-8 lg:scroll-px-8 lg:px-8">
        {videos.map((video, i) => (
          <li key={video.id} className="w-[44vw] shrink-0 snap-start sm:w-[30vw] md:w-[23vw] lg:w-[18vw] 2xl:w-[14vw]">
            <VideoCard video={video} signedIn={signedIn} eager={i < 4} variant="row" />
          </li>
        ))}
      </ul>
    </section>
  );
}
