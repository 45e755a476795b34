import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { VideoTabs } from "@/components/library/video-tabs";
import { AudienceView } from "@/components/stats/audience-view";
import { StatsLineChart } from "@/components/stats/line-chart";
import { figure, RangeTabs, StatCards, StatsSection } from "@/components/stats/stats-ui";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageViewer } from "@/lib/guards/pages";
import { getEditableVideo } from "@/lib/library/queries/editable";
import { videoIdSchema } from "@/lib/library/rules";
import { QUALITY_LABELS, RANGES, type QualityFigure } from "@/lib/stats/definitions";
import { audienceOverview, qualityOverview, retentionCurve } from "@/lib/stats/queries";
import { statsQuery } from "@/lib/stats/service";

export const metadata: Metadata = { title: "Video statistics" };
export const dynamic = "force-dynamic";

const CARDS: QualityFigure[] = ["startupP50", "startupP95", "rebufferPercent", "failurePercent"];

/** The Statistics tab: one video's audience and playback quality, for its owner (and admins). */
export default async function VideoStatsPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const parsed = videoIdSchema.safeParse(await params);
  if (!parsed.success) notFound();
  const viewer = await requirePageViewer(`/videos/${parsed.data.id}/stats`);
  // Someone who may not edit it learns nothing about it (same answer as a missing video).
  const video = await getEditableVideo(viewer, parsed.data.id);
  if (!video) notFound();
  const query = statsQuery.safeParse(await searchParams);
  const range = query.success ? query.data.range : "24h";
  const scope = { range, videoId: video.id };
  const [audience, retention, quality] = await Promise.all([audienceOverview(scope), retentionCurve(scope), qualityOverview(scope)]);
  const csv = (table: string) => `/api/stats/${table}?range=${range}&videoId=${video.id}&format=csv`;
  const bucket = RANGES[range].bucket;
  return (
    <div className="mx-auto w-full max-w-4xl">
      <PageHeader title="Statistics" description={video.title} actions={<RangeTabs current={range} href={(r) => `/videos/${video.id}/stats?range=${r}`} />} />
      <VideoTabs videoId={video.id} current="stats" />
      <div className="grid grid-cols-1 gap-8">
        <AudienceView audience={audience} retention={retention} bucket={bucket} csv={csv} />
        <StatsSection title="Playback quality" csv={csv("quality-series")}>
          <StatCards items={CARDS.map((key) => ({ label: QUALITY_LABELS[key].label, value: figure(quality.summary[key], QUALITY_LABELS[key].unit) }))} />
          <StatsLineChart label="Startup time" data={quality.series} x="bucket" xKind={bucket} unit=" ms" lines={[{ key: "startupP50", label: "p50", color: "#60a5fa" }, { key: "startupP95", label: "p95", color: "#f59e0b" }]} />
        </StatsSection>
      </div>
    </div>
  );
}
