import type { Metadata } from "next";
import Link from "next/link";
import { PlayingNow } from "@/components/admin/playing-now";
import { StatsLineChart } from "@/components/stats/line-chart";
import { FreshnessNote } from "@/components/stats/freshness-note";
import { figure, RangeTabs, StatCards, StatsSection, StatsTable, type Column } from "@/components/stats/stats-ui";
import { LiveRefresh } from "@/components/admin/live-refresh";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageAdmin } from "@/lib/guards/pages";
import { DELIVERY_LABELS, QUALITY_LABELS, RANGES, SPLIT_LABELS, SPLITS, type QualityFigure, type RangeKey, type Split } from "@/lib/stats/definitions";
import { latestFailures, qualityOverview, qualitySplit, worstVideos, type QualityRow } from "@/lib/stats/queries";
import { madeAt } from "@/lib/stats/freshness";
import { statsQuery } from "@/lib/stats/service";

export const metadata: Metadata = { title: "Playback quality" };
export const dynamic = "force-dynamic";

const dateTime = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short" });
const CARDS: QualityFigure[] = ["sessions", "startupP50", "startupP95", "ebvsPercent", "failurePercent", "startupFailurePercent", "rebufferPercent", "rebufferPerMinute", "upscalePercent", "avgBitrateKbps", "switchesPerSession"];

const figureColumns: Column<QualityRow>[] = (["sessions", "startupP50", "startupP95", "ebvsPercent", "failurePercent", "rebufferPercent", "rebufferPerMinute", "upscalePercent", "avgBitrateKbps", "switchesPerSession"] as QualityFigure[]).map((key) => ({
  label: QUALITY_LABELS[key].label,
  numeric: true,
  cell: (row) => figure(row[key], QUALITY_LABELS[key].unit),
}));

export default async function QualityPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requirePageAdmin("/admin/quality");
  const parsed = statsQuery.safeParse(await searchParams);
  const { range, split } = parsed.success ? parsed.data : { range: "24h" as RangeKey, split: "browser" as Split };
  const scope = { range };
  const [{ summary, series }, splitRows, worst, failures] = await Promise.all([qualityOverview(scope), qualitySplit(scope, split), worstVideos(scope), latestFailures(scope)]);
  const href = (next: { range?: RangeKey; split?: Split }) => `/admin/quality?range=${next.range ?? range}&split=${next.split ?? split}`;
  const csv = (table: string) => `/api/stats/${table}?range=${range}&split=${split}&format=csv`;
  const bucket = RANGES[range].bucket;

  return (
    <>
      <LiveRefresh active seconds={5} />
      <PageHeader title="Playback quality" description={
          <>
            What viewers experienced, after Mux Data&apos;s definitions (see the README). <FreshnessNote madeAt={madeAt()} />
          </>
        } actions={<RangeTabs current={range} href={(r) => href({ range: r })} />} />
      <div className="grid grid-cols-1 gap-8">
        <PlayingNow />
        <StatCards items={CARDS.map((key) => ({ label: QUALITY_LABELS[key].label, value: figure(summary[key], QUALITY_LABELS[key].unit) }))} />
        <StatsSection title="Over time" csv={csv("quality-series")}>
          <div className="grid grid-cols-1 gap-6 lg:grid-cols-2">
            <StatsLineChart label="Startup time" data={series} x="bucket" xKind={bucket} unit=" ms" lines={[{ key: "startupP50", label: "p50", color: "#60a5fa" }, { key: "startupP95", label: "p95", color: "#f59e0b" }]} />
            <StatsLineChart label="Rebuffering and failures" data={series} x="bucket" xKind={bucket} unit="%" lines={[{ key: "rebufferPercent", label: "Rebuffer %", color: "#f43f5e" }, { key: "ebvsPercent", label: "Exits before start %", color: "#a78bfa" }, { key: "failurePercent", label: "Failures %", color: "#f97316" }]} />
            <StatsLineChart label="Weighted average bitrate" data={series} x="bucket" xKind={bucket} unit=" kbit/s" lines={[{ key: "avgBitrateKbps", label: "kbit/s", color: "#34d399" }]} />
            <StatsLineChart label="Upscaling and switches" data={series} x="bucket" xKind={bucket} lines={[{ key: "upscalePercent", label: "Upscale %", color: "#22d3ee" }, { key: "switchesPerSession", label: "Switches / session", color: "#e879f9" }]} />
          </div>
        </StatsSection>
        <StatsSection title={`By ${SPLIT_LABELS[split].toLowerCase()}`} csv={csv("quality-split")}>
          <nav aria-label="Split" className="flex flex-wrap gap-1">
            {SPLITS.map((s) => (
              <Link key={s} href={href({ split: s })} aria-current={s === split ? "page" : undefined} className={s === split ? "rounded-lg bg-panel-2 px-3 py-2 text-sm font-medium" : "rounded-lg px-3 py-2 text-sm text-muted hover:text-fg"}>
                {SPLIT_LABELS[s]}
              </Link>
            ))}
          </nav>
          <StatsTable
            rows={splitRows}
            rowKey={(row) => String(row.key)}
            columns={[{ label: SPLIT_LABELS[split], cell: (row) => (split === "mode" ? DELIVERY_LABELS[String(row.key)] ?? row.key : split === "video" ? row.label ?? "deleted video" : row.key) }, ...figureColumns]}
          />
        </StatsSection>
        <StatsSection title="Worst videos" csv={csv("worst-videos")}>
          <StatsTable rows={worst} rowKey={(row) => String(row.key)} columns={[{ label: "Video", cell: (row) => <Link href={`/videos/${row.key}/stats`} className="hover:underline">{row.label ?? "deleted video"}</Link> }, ...figureColumns]} empty="No video has three sessions in this period." />
        </StatsSection>
        <StatsSection title="Latest failed sessions" csv={csv("failed-sessions")}>
          <StatsTable
            rows={failures}
            rowKey={(row) => row.sessionId}
            columns={[
              { label: "When", cell: (row) => <Link href={`/admin/quality/sessions/${row.sessionId}`} className="hover:underline">{dateTime.format(new Date(row.at))}</Link> },
              { label: "Error", cell: (row) => <span title={row.error}>{row.error}</span> },
              { label: "Video", cell: (row) => row.title ?? "deleted video" },
              { label: "Browser", cell: (row) => row.browser },
              { label: "Device", cell: (row) => row.device },
              { label: "Delivery", cell: (row) => DELIVERY_LABELS[row.mode] ?? row.mode },
            ]}
            empty="No failed playback in this period."
          />
        </StatsSection>
      </div>
    </>
  );
}
