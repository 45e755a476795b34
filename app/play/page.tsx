import type { Metadata } from "next";
import { PlayLink } from "@/components/play/play-link";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageViewer } from "@/lib/guards/pages";
import { recentLinks } from "@/lib/proxy/links";

export const metadata: Metadata = { title: "Play a link" };

export default async function PlayPage() {
  const viewer = await requirePageViewer("/play");
  const links = await recentLinks(viewer);
  return (
    <div className="mx-auto w-full max-w-4xl">
      <PageHeader
        title="Play a link"
        description="Paste the address of a video file (MP4, WebM, MOV, MKV) or an HLS playlist (.m3u8) and watch it here, without adding it to the library."
      />
      <PlayLink initial={links} />
    </div>
  );
}
