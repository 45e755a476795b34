"use client";

import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

export type ChartLine = { key: string; label: string; color: string };

const hour = new Intl.DateTimeFormat("en", { hour: "2-digit", minute: "2-digit" });
const day = new Intl.DateTimeFormat("en", { month: "short", day: "numeric" });

/**
 * A small line chart (a client island: recharts draws in the browser). `x` is an ISO time bucket ("hour"/"day") or
 * a share of a video ("percent"); values come already computed from lib/stats.
 */
export function StatsLineChart({
  data,
  x,
  xKind,
  lines,
  unit,
  label,
}: {
  data: Record<string, string | number | null>[];
  x: string;
  xKind: "hour" | "day" | "percent";
  lines: ChartLine[];
  unit?: string;
  label: string;
}) {
  const formatX = (value: string | number) =>
    xKind === "percent" ? `${value}%` : (xKind === "hour" ? hour : day).format(new Date(value));
  const formatY = (value: unknown) => (typeof value === "number" ? `${Math.round(value * 10) / 10}${unit ?? ""}` : String(value ?? "–"));
  return (
    <figure className="h-56 w-full min-w-0 sm:h-64" aria-label={label} data-testid="stats-chart" data-chart={label} data-points={data.length}>
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="var(--color-line, #333)" />
          <XAxis dataKey={x} tickFormatter={formatX} tick={{ fontSize: 11 }} minTickGap={24} />
          <YAxis tickFormatter={formatY} tick={{ fontSize: 11 }} width={56} />
          <Tooltip labelFormatter={(v) => formatX(v as string)} formatter={(v) => formatY(v)} />
          {lines.length > 1 && <Legend wrapperStyle={{ fontSize: 12 }} />}
          {lines.map((line) => (
            <Line key={line.key} type="monotone" dataKey={line.key} name={line.label} stroke={line.color} strokeWidth={2} dot={data.length < 3} connectNulls isAnimationActive={false} />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
}
