import type { Metadata } from "next";
import { HistoryList } from "@/components/library/history-list";
import { requirePageViewer } from "@/lib/guards/pages";
import { listHistory } from "@/lib/library/queries/lists";

export const metadata: Metadata = { title: "History" };

const PAGE = 30;

export default async function HistoryPage() {
  const viewer = await requirePageViewer("/history");
  const page = await listHistory(viewer, undefined, PAGE);
  return (
    <div className="mx-auto w-full max-w-4xl">
      <HistoryList initial={page.items} nextCursor={page.nextCursor} limit={PAGE} />
    </div>
  );
}
