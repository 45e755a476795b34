import type { Metadata } from "next";
import { DownloadsView } from "@/components/offline/downloads-view";
import { PageHeader } from "@/components/ui/page-header";

export const metadata: Metadata = { title: "Downloads" };

/** Open to everyone: what it lists is on this device, and the service worker keeps the page for offline use. */
export default function DownloadsPage() {
  return (
    <>
      <PageHeader title="Downloads" description="Videos kept on this device for watching without a connection." />
      <DownloadsView />
    </>
  );
}
