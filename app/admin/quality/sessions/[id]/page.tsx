import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { z } from "zod";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageAdmin } from "@/lib/guards/pages";
import { sessionDetail } from "@/lib/stats/queries";

export const metadata: Metadata = { title: "Playback session" };
export const dynamic = "force-dynamic";

const sessionId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/);

/** Everything one playback session reported: the drill-down from the quality page's tables. */
export default async function SessionPage({ params }: { params: Promise<{ id: string }> }) {
  await requirePageAdmin("/admin/quality");
  const id = sessionId.safeParse((await params).id);
  if (!id.success) notFound();
  const session = await sessionDetail(id.data);
  if (!session) notFound();
  return (
    <>
      <PageHeader title="Playback session" description={String(session.title ?? "deleted video")} actions={<Link href="/admin/quality" className="text-sm text-accent-text hover:underline">Back to quality</Link>} />
      <dl className="grid gap-x-6 gap-y-2 rounded-xl border border-line bg-panel p-4 text-sm sm:grid-cols-[max-content_1fr]" data-testid="session-detail">
        {Object.entries(session).map(([key, value]) => (
          <div key={key} className="contents">
            <dt className="text-muted">{key}</dt>
            <dd className="break-all tabular-nums">{value instanceof Date ? value.toISOString() : value === null ? "–" : String(value)}</dd>
          </div>
        ))}
      </dl>
    </>
  );
}
