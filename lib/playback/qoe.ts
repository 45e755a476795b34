import { z } from "zod";

/** One session may not write more often than this... */
export const QOE_MIN_INTERVAL_MS = 1000;
/** ...nor more than this many times in all. The player reports every 30 s and on page hide. */
export const QOE_MAX_REPORTS_PER_SESSION = 240;

const count = (max: number) => z.number().int().min(0).max(max);

/**
 * A report from the player. Counters are running totals for the playback session, so merging reports
 * keeps the largest value and a late or repeated report cannot lower them.
 */
export const qoeBody = z.object({
  sessionId: z
    .string()
    .min(8)
    .max(64)
    .regex(/^[A-Za-z0-9_-]+$/, "letters, digits, - and _ only"),
  videoId: z.uuid(),
  mode: z.enum(["hls", "native-hls", "mp4"]),
  startupMs: count(600_000).nullish(),
  stallCount: count(100_000).default(0),
  stallMs: count(86_400_000).default(0),
  qualitySwitches: count(100_000).default(0),
  droppedFrames: count(100_000_000).default(0),
  watchedSeconds: z.number().finite().min(0).max(864_000).default(0),
  lastHeight: count(8640).nullish(),
  fatalError: z.string().max(500).nullish(),
});
export type QoeBody = z.infer<typeof qoeBody>;
