import type { Metadata } from "next";
import Link from "next/link";
import { AudienceView } from "@/components/stats/audience-view";
import { FreshnessNote } from "@/components/stats/freshness-note";
import { figure, RangeTabs, StatsSection, StatsTable } from "@/components/stats/stats-ui";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageAdmin } from "@/lib/guards/pages";
import { RANGES, type RangeKey } from "@/lib/stats/definitions";
import { audienceOverview, retentionCurve, topVideos } from "@/lib/stats/queries";
import { madeAt } from "@/lib/stats/freshness";
import { statsQuery } from "@/lib/stats/service";

export const metadata: Metadata = { title: "Audience" };
export const dynamic = "force-dynamic";

export default async function AudiencePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requirePageAdmin("/admin/audience");
  const parsed = statsQuery.safeParse(await searchParams);
  const range: RangeKey = parsed.success ? parsed.data.range : "24h";
  const [audience, retention, top] = await Promise.all([audienceOverview({ range }), retentionCurve({ range }), topVideos({ range })]);
  const csv = (table: string) => `/api/stats/${table}?range=${range}&format=csv`;
  return (
    <>
      <PageHeader title="Audience" description={
          <>
            Views, watch time and how far viewers get. <FreshnessNote madeAt={madeAt()} />
          </>
        } actions={<RangeTabs current={range} href={(r) => `/admin/audience?range=${r}`} />} />
      <div className="grid grid-cols-1 gap-8">
        <AudienceView audience={audience} retention={retention} bucket={RANGES[range].bucket} csv={csv} />
        <StatsSection title="Top videos" csv={csv("top-videos")}>
          <StatsTable
            rows={top}
            rowKey={(row) => row.videoId}
            columns={[
              { label: "Video", cell: (row) => <Link href={`/videos/${row.videoId}/stats`} className="hover:underline">{row.title}</Link> },
              { label: "Views", numeric: true, cell: (row) => figure(row.views, "", 0) },
              { label: "Unique viewers", numeric: true, cell: (row) => figure(row.viewers, "", 0) },
              { label: "Watch time", numeric: true, cell: (row) => figure(row.watchMinutes, "min") },
            ]}
          />
        </StatsSection>
      </div>
    </>
  );
}
