import { z } from "zod";

/** A session's reports merged at most this many times: a 5 s heartbeat covers 5.5 hours of playing. */
export const QOE_MAX_REPORTS_PER_SESSION = 4000;
/** Per viewer (account, else client address): a burst of this many reports... */
export const QOE_VIEWER_BURST = 30;
/** ...then this many per second on average: a few players at once, each with a 5 s heartbeat. */
export const QOE_VIEWER_PER_SECOND = 3;

const count = (max: number) => z.number().int().min(0).max(max);
const seconds = z.number().finite().min(0).max(864_000);

/**
 * A report from the player: one when playback is asked for, then on play, pause, end and every few seconds while
 * playing, and a last one when the player goes away. Counters are running totals for the playback session, so merging
 * keeps the largest value and a late or repeated report cannot lower them. Figures: lib/stats/definitions.ts.
 */
export const qoeBody = z
  .object({
    sessionId: z
      .string()
      .min(8)
      .max(64)
      .regex(/^[A-Za-z0-9_-]+$/, "letters, digits, - and _ only"),
    /** A library video, or a link of Play a link (lib/proxy/): exactly one of the two. */
    videoId: z.uuid().optional(),
    linkId: z.uuid().optional(),
    /** "proxied" is a link's delivery, and only a link's. */
    mode: z.enum(["hls", "native-hls", "mp4", "proxied"]),
    state: z.enum(["playing", "paused", "ended"]).default("playing"),
    startupMs: count(600_000).nullish(),
    stallCount: count(100_000).default(0),
    stallMs: count(86_400_000).default(0),
    qualitySwitches: count(100_000).default(0),
    droppedFrames: count(100_000_000).default(0),
    watchedSeconds: seconds.default(0),
    lastHeight: count(8640).nullish(),
    /** The player's size on screen in device pixels; the picture is upscaled while lastHeight is below it. */
    playerHeight: count(20_000).nullish(),
    /** The browser window in CSS pixels: the device class comes from it. */
    viewport: z.object({ width: count(20_000), height: count(20_000) }).nullish(),
    upscaledSeconds: seconds.default(0),
    /** Σ kbit/s × seconds played of the renditions on screen. */
    bitrateKbitSum: z.number().finite().min(0).max(1e11).default(0),
    maxPosition: seconds.default(0),
    /** The viewer left after asking to play and before the first frame. */
    exitedBeforeStart: z.boolean().default(false),
    fatalError: z.string().max(500).nullish(),
  })
  .refine((r) => (r.videoId === undefined) !== (r.linkId === undefined), { message: "either videoId or linkId", path: ["videoId"] })
  .refine((r) => (r.linkId !== undefined) === (r.mode === "proxied"), { message: "a link's delivery is proxied, and only a link's", path: ["mode"] });
export type QoeBody = z.infer<typeof qoeBody>;
