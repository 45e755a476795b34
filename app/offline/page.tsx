import type { Metadata } from "next";
import { EmptyState } from "@/components/ui/empty-state";

export const metadata: Metadata = { title: "Offline" };

/** What the service worker shows for a page it has no copy of while there is no network. */
export default function OfflinePage() {
  return (
    <EmptyState
      title="You are offline"
      description="This page is not available without a connection. Videos you downloaded still play."
      action={
        <a href="/downloads" className="inline-flex min-h-11 items-center rounded-lg bg-accent px-4 text-sm font-medium text-white hover:bg-accent-hover">
          Open Downloads
        </a>
      }
    />
  );
}
