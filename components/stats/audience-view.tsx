import { StatsLineChart } from "./line-chart";
import { figure, StatCards, StatsSection } from "./stats-ui";

type Audience = {
  totals: { views: number; viewers: number; watchSeconds: number; sessions: number; avgViewSeconds: number | null; completionPercent: number | null; peakConcurrent: number };
  series: { bucket: string; views: number; viewers: number; watchMinutes: number }[];
};
type Retention = { curve: { point: number; percent: number | null }[]; drops: { point: number; drop: number }[] };

/** The audience figures of a period (server-wide or one video): cards, views over time, retention and drop-offs. */
export function AudienceView({ audience, retention, bucket, csv }: { audience: Audience; retention: Retention; bucket: "hour" | "day"; csv: (table: string) => string }) {
  const { totals } = audience;
  return (
    <div className="grid grid-cols-1 gap-8">
      <StatCards
        items={[
          { label: "Views", value: figure(totals.views, "", 0), hint: "5 s of playback, once per viewer per 30 min" },
          { label: "Unique viewers", value: figure(totals.viewers, "", 0) },
          { label: "Watch time", value: figure(totals.watchSeconds / 3600, "h") },
          { label: "Average view duration", value: figure(totals.avgViewSeconds, "s") },
          { label: "Completion rate", value: figure(totals.completionPercent, "%") },
          { label: "Peak concurrent viewers", value: figure(totals.peakConcurrent, "", 0) },
        ]}
      />
      <StatsSection title="Views and watch time" csv={csv("audience-series")}>
        <div className="grid grid-cols-1 gap-6 lg:grid-cols-2">
          <StatsLineChart label="Views" data={audience.series} x="bucket" xKind={bucket} lines={[{ key: "views", label: "Views", color: "#60a5fa" }, { key: "viewers", label: "Unique viewers", color: "#34d399" }]} />
          <StatsLineChart label="Watch time" data={audience.series} x="bucket" xKind={bucket} unit=" min" lines={[{ key: "watchMinutes", label: "Minutes watched", color: "#f59e0b" }]} />
        </div>
      </StatsSection>
      <StatsSection title="Retention" csv={csv("retention")}>
        <StatsLineChart label="Retention curve" data={retention.curve} x="point" xKind="percent" unit="%" lines={[{ key: "percent", label: "Still watching", color: "#a78bfa" }]} />
        {retention.drops.length > 0 && (
          <p className="text-sm text-muted" data-testid="drop-offs">
            Biggest drop-offs: {retention.drops.map((d) => `${d.point}% of the video (−${figure(d.drop, "%")})`).join(", ")}
          </p>
        )}
      </StatsSection>
    </div>
  );
}
