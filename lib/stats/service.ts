import "server-only";
import { z } from "zod";
import { authorize } from "@/lib/auth/access";
import type { Viewer } from "@/lib/auth/viewer";
import { AppError } from "@/lib/errors";
import { getEditableVideo } from "@/lib/library/queries/editable";
import { RANGES, SPLITS, type RangeKey } from "./definitions";
import { audienceOverview, latestFailures, qualityOverview, qualitySplit, retentionCurve, topVideos, worstVideos, type Scope } from "./queries";

/** The query string of every stats table (pages and GET /api/stats/<table>). */
export const statsQuery = z.object({
  range: z.enum(Object.keys(RANGES) as [RangeKey, ...RangeKey[]]).default("24h"),
  split: z.enum(SPLITS).default("browser"),
  videoId: z.uuid().optional(),
  format: z.enum(["json", "csv"]).default("json"),
});
export type StatsQuery = z.infer<typeof statsQuery>;

type Row = Record<string, unknown>;

/** Every table the quality and audience pages show, by the name their CSV links use. */
export const STATS_TABLES = {
  "quality-series": async (scope: Scope) => (await qualityOverview(scope)).series,
  "quality-split": async (scope: Scope, query: StatsQuery) => qualitySplit(scope, query.split),
  "worst-videos": async (scope: Scope) => worstVideos(scope),
  "failed-sessions": async (scope: Scope) => latestFailures(scope, 100),
  "audience-series": async (scope: Scope) => (await audienceOverview(scope)).series,
  retention: async (scope: Scope) => (await retentionCurve(scope)).curve,
  "top-videos": async (scope: Scope) => topVideos(scope, 50),
} satisfies Record<string, (scope: Scope, query: StatsQuery) => Promise<Row[]>>;
export type StatsTable = keyof typeof STATS_TABLES;
export const statsTableName = z.enum(Object.keys(STATS_TABLES) as [StatsTable, ...StatsTable[]]);

/** Tables narrowed to one video, which its owner may read too; the server-wide ones stay with admins. */
const PER_VIDEO: StatsTable[] = ["quality-series", "quality-split", "failed-sessions", "audience-series", "retention"];

/**
 * Who may read statistics: admins everything; a video's owner that video's tables (the Statistics tab). Anyone else
 * gets the same answer as for a missing video, or 401/403 for the server-wide tables.
 */
export async function authorizeStats(viewer: Viewer | null, table: StatsTable, videoId?: string): Promise<Scope["videoId"]> {
  if (videoId && PER_VIDEO.includes(table)) {
    const signedIn = authorize(viewer, "user");
    if (!(await getEditableVideo(signedIn, videoId))) throw new AppError("not_found", "No such video");
    return videoId;
  }
  authorize(viewer, "admin");
  return videoId;
}

export async function readStatsTable(viewer: Viewer | null, table: StatsTable, query: StatsQuery): Promise<Row[]> {
  const videoId = await authorizeStats(viewer, table, query.videoId);
  return STATS_TABLES[table]({ range: query.range, videoId }, query);
}

/**
 * RFC 4180 CSV. Cells that a spreadsheet would run as a formula (=, +, -, @ first) are prefixed with a quote:
 * error texts and titles come from viewers and uploaders.
 */
export function toCsv(rows: Row[]): string {
  if (rows.length === 0) return "";
  const columns = Object.keys(rows[0]);
  const cell = (value: unknown) => {
    let text = value === null || value === undefined ? "" : value instanceof Date ? value.toISOString() : String(value);
    if (typeof value === "string" && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
    return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  return [columns.join(","), ...rows.map((row) => columns.map((c) => cell(row[c])).join(","))].join("\r\n") + "\r\n";
}
