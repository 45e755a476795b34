import type { Metadata } from "next";
import { HistoryList } from "@/components/library/history-list";
import { signedInViewer } from "@/lib/library/pages";
import { listHistory } from "@/lib/library/queries";

export const metadata: Metadata = { title: "History" };

const PAGE = 30;

export default async function HistoryPage() {
  const viewer = await signedInViewer("/history");
  const page = await listHistory(viewer, undefined, PAGE);
  return (
    <main className="mx-auto flex w-full max-w-4xl flex-col gap-4 px-4 py-5 sm:px-6">
      <HistoryList initial={page.items} nextCursor={page.nextCursor} limit={PAGE} />
    </main>
  );
}
