/**
 * What each playback-quality and audience figure means, in one place (the README's "Metric definitions" section
 * says the same in prose). Quality figures follow Mux Data's definitions
 * (https://docs.mux.com/guides/data/understand-metric-definitions), computed over *playback sessions*: one row of
 * qoe_reports, Mux's "view", i.e. one attempt to play a video in one player. Audience figures count *views*
 * (below). SQL fragments here are written against a row source with qoe_reports' column names, so the raw table and
 * the hourly rollups share them.
 */
import { VIEW_MIN_SECONDS, VIEW_WINDOW_MINUTES } from "@/lib/library/rules";

/**
 * A view, for every audience figure: counted (table `views`) once the player reports VIEW_MIN_SECONDS (5) of real
 * playback — playing, not stalled, not seeking, not paused — and at most once per signed-in user and video per
 * VIEW_WINDOW_MINUTES (30). Guests' plays are playback sessions but not views. lib/library/queries/interactions.ts
 * applies the rule.
 */
export const VIEW_RULE = { minSeconds: VIEW_MIN_SECONDS, windowMinutes: VIEW_WINDOW_MINUTES } as const;

export const RANGES = { "24h": { hours: 24, bucket: "hour" }, "7d": { hours: 24 * 7, bucket: "day" }, "30d": { hours: 24 * 30, bucket: "day" } } as const;
export type RangeKey = keyof typeof RANGES;
export const isRangeKey = (value: unknown): value is RangeKey => typeof value === "string" && Object.hasOwn(RANGES, value);

export const SPLITS = ["browser", "device", "mode", "video"] as const;
export type Split = (typeof SPLITS)[number];
export const SPLIT_LABELS: Record<Split, string> = { browser: "Browser", device: "Device", mode: "Delivery", video: "Video" };
export const DELIVERY_LABELS: Record<string, string> = { hls: "hls.js", "native-hls": "Native HLS", mp4: "MP4", proxied: "Proxied link" };

/** A stream counts as "playing now" while its player reported `playing` within this long (it heartbeats every 5 s). */
export const LIVE_STALE_SECONDS = 15;
/** How often the player repeats its report while playing (components/player/reporter.ts). */
export const HEARTBEAT_MS = 5_000;

/** Completion: the session reached this share of the video's duration. */
export const COMPLETION_SHARE = 0.95;
/** Retention curve points: share of the video's duration, every 5 %. */
export const RETENTION_POINTS = Array.from({ length: 21 }, (_, i) => i * 5);

/**
 * Upper edges (ms) of the startup-time histogram kept in hourly rollups; the last bucket takes everything above.
 * Startup percentiles are read from these histograms, not from raw rows: a percentile is the upper edge of the
 * bucket the nearest-rank session falls in (so p50 = 750 means "between 500 and 750 ms"), and one in the last bucket
 * reads as its lower edge, 60 s. The precision is therefore the bucket's width: 100 ms up to 500 ms, 250–500 ms up to
 * 2 s, coarser above. Every other quality figure is a ratio of sums, which rollups keep exactly.
 */
export const STARTUP_BUCKETS_MS = [100, 200, 300, 400, 500, 750, 1000, 1500, 2000, 3000, 5000, 8000, 13000, 20000, 30000, 60000];

/** The nearest-rank `share` percentile (0–1) of a startup histogram (counts per STARTUP_BUCKETS_MS bucket), per the above. */
export function histogramPercentile(histogram: readonly number[], share: number): number | null {
  const total = histogram.reduce((n, c) => n + c, 0);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(share * total));
  let seen = 0;
  for (let i = 0; i < histogram.length; i++) {
    seen += histogram[i];
    if (seen >= rank) return STARTUP_BUCKETS_MS[Math.min(i, STARTUP_BUCKETS_MS.length - 1)];
  }
  return STARTUP_BUCKETS_MS.at(-1)!;
}

/** Browser family from a User-Agent. Order matters: Edge and Opera say "Chrome", Chrome says "Safari". */
export function browserFamily(userAgent: string | null | undefined): "chrome" | "firefox" | "safari" | "edge" | "other" {
  if (!userAgent) return "other";
  if (/\bEdg(e|A|iOS)?\//.test(userAgent)) return "edge";
  if (/\b(Firefox|FxiOS)\//.test(userAgent)) return "firefox";
  if (/\b(OPR|SamsungBrowser|YaBrowser)\//.test(userAgent)) return "other";
  if (/\b(Headless)?(Chrome|Chromium|CriOS)\//.test(userAgent)) return "chrome";
  if (/\bVersion\/[\d.]+.*Safari\//.test(userAgent)) return "safari";
  return "other";
}

/**
 * Device class from the viewport (CSS pixels) the player reports: the short side tells a phone (< 600) from a
 * tablet (< 1024 short side, or touch-sized); TVs are large screens that report a TV User-Agent. A desktop window
 * made narrow counts as a phone: the viewer experiences a phone-sized player.
 */
export function deviceClass(viewport: { width: number; height: number } | null | undefined, userAgent?: string | null): "phone" | "tablet" | "desktop" | "tv" {
  if (userAgent && /\b(SmartTV|SMART-TV|Tizen|Web0S|webOS|BRAVIA|AppleTV|CrKey|AFT\w|GoogleTV|HbbTV)\b/i.test(userAgent)) return "tv";
  if (!viewport) return "desktop";
  const short = Math.min(viewport.width, viewport.height);
  if (short < 600) return "phone";
  if (short < 900 && /\b(Mobile|Tablet|iPad|Android)\b/.test(userAgent ?? "")) return "tablet";
  return "desktop";
}

/** An exit before video start (Mux: EBVS): the viewer left after asking to play, before the first frame, without an error. */
export const EBVS_CONDITION = "r.startup_ms is null and r.fatal_error is null and r.exited_before_start = 1";

/**
 * Quality figures as SQL aggregates over a qoe_hourly-shaped row source (alias `r`: the hourly rollups, plus the
 * raw reports of the hours not rolled up yet summed the same way, lib/stats/rollup.ts). Each comment is the
 * definition, after Mux Data. Startup percentiles come from the summed histogram (`startupHistogram`, see
 * histogramPercentile); every other figure is exact.
 */
export const QUALITY_SQL = {
  /** Playback sessions in the period (Mux: views). */
  sessions: "sum(r.sessions)::int",
  /** Exits before video start: sessions the viewer left after asking to play and before the first frame, without an error; % of sessions. */
  ebvsPercent: "100.0 * sum(r.exits_before_start) / nullif(sum(r.sessions), 0)",
  /** Playback failure: sessions that ended on a fatal error, before or after starting; % of sessions. */
  failurePercent: "100.0 * sum(r.failures) / nullif(sum(r.sessions), 0)",
  /** Video startup failure: a fatal error before the first frame; % of sessions. */
  startupFailurePercent: "100.0 * sum(r.startup_failures) / nullif(sum(r.sessions), 0)",
  /** Rebuffer percentage: time stalled ÷ (watch time + time stalled), stalls right after a seek excluded (the player does not count them). */
  rebufferPercent: "100.0 * sum(r.stall_ms) / 1000.0 / nullif(sum(r.watched_seconds) + sum(r.stall_ms) / 1000.0, 0)",
  /** Rebuffer frequency: stalls per minute of watch time (seeks excluded). */
  rebufferPerMinute: "sum(r.stall_count) / nullif(sum(r.watched_seconds) / 60.0, 0)",
  /** Upscale percentage: share of watch time the picture was smaller than the player (stretched up). */
  upscalePercent: "100.0 * sum(r.upscaled_seconds) / nullif(sum(r.watched_seconds), 0)",
  /** Weighted average bitrate: the rendition's bitrate weighted by the time it played, kbit/s (sessions on a ladder: an MP4's bitrate is not known to the player). */
  avgBitrateKbps: "sum(r.bitrate_kbit_sum) / nullif(sum(r.bitrate_watched_seconds), 0)",
  /** Quality switches per session (rendition changes on screen). */
  switchesPerSession: "sum(r.quality_switches)::float / nullif(sum(r.sessions), 0)",
  /** Video startup time: from the play request (or navigation, for autoplay) to the first frame with the playhead moving. Only sessions that started; the histogram the p50/p95 are read from. */
  startupHistogram: `array[${[0, ...STARTUP_BUCKETS_MS].map((_, i) => `sum(r.startup_histogram[${i + 1}])::int`).join(", ")}]`,
} as const;
export type QualityFigure = Exclude<keyof typeof QUALITY_SQL, "startupHistogram"> | "startupP50" | "startupP95";

export const QUALITY_LABELS: Record<QualityFigure, { label: string; unit: string }> = {
  sessions: { label: "Playback sessions", unit: "" },
  startupP50: { label: "Startup time p50", unit: "ms" },
  startupP95: { label: "Startup time p95", unit: "ms" },
  ebvsPercent: { label: "Exits before video start", unit: "%" },
  failurePercent: { label: "Playback failures", unit: "%" },
  startupFailurePercent: { label: "Startup failures", unit: "%" },
  rebufferPercent: { label: "Rebuffer percentage", unit: "%" },
  rebufferPerMinute: { label: "Rebuffer frequency", unit: "/min" },
  upscalePercent: { label: "Upscale percentage", unit: "%" },
  avgBitrateKbps: { label: "Weighted avg bitrate", unit: "kbit/s" },
  switchesPerSession: { label: "Quality switches / session", unit: "" },
};
