/**
 * Picks the rung playback starts on, from the player's size in device pixels and a bandwidth estimate.
 * Pure and free of server imports: the watch page runs it to decide which segment to preload (from the
 * cookies the player leaves), and the player runs it again with live measurements before attaching.
 */
export type Rung = { height: number; width?: number; bandwidth: number };

/** Share of the estimated bandwidth a rung may use, leaving room for audio and jitter. */
export const BANDWIDTH_SAFETY = 0.7;
/** Used before any measurement: a modest broadband connection. */
export const DEFAULT_BANDWIDTH_BPS = 5_000_000;
/** Cookies the player writes so the server can make the same choice for its preload hints. */
export const BANDWIDTH_COOKIE = "reel_bw";
export const PLAYER_HEIGHT_COOKIE = "reel_ph";

/**
 * Index in `rungs` (which must be in hls.js order, see sortRungs). The rung is the smallest one that covers
 * the player's height, lowered until it fits the bandwidth; never below the first.
 */
export function chooseStartLevel(rungs: readonly Rung[], playerHeightPx: number | null, bandwidthBps: number | null): number {
  if (rungs.length === 0) return -1;
  const budget = (bandwidthBps && bandwidthBps > 0 ? bandwidthBps : DEFAULT_BANDWIDTH_BPS) * BANDWIDTH_SAFETY;
  let sizeCap = rungs.length - 1;
  if (playerHeightPx && playerHeightPx > 0) {
    const covering = rungs.findIndex((r) => r.height >= playerHeightPx * 0.9);
    sizeCap = covering === -1 ? rungs.length - 1 : covering;
  }
  for (let i = sizeCap; i > 0; i--) if (rungs[i].bandwidth <= budget) return i;
  return 0;
}

/**
 * The first fragment is fetched at most this tall: its first frame decodes in a fraction of the time a 720p or
 * 1080p one takes (software decoders, small devices), and it is a quarter of the bytes. ABR moves to the rung
 * chooseStartLevel picked from the next fragment on.
 */
export const FAST_START_MAX_HEIGHT = 360;

/** Index of the rung for the first fragment: the chosen one, or the tallest rung up to FAST_START_MAX_HEIGHT if lower. */
export function firstFragmentLevel(rungs: readonly Rung[], chosen: number): number {
  let fast = 0;
  for (let i = 0; i < rungs.length; i++) if (rungs[i].height <= FAST_START_MAX_HEIGHT) fast = i;
  return Math.min(chosen, fast);
}

/** Exponentially weighted so one odd session does not swing the next start. */
export function blendBandwidth(previous: number | null, measured: number): number {
  if (!previous || previous <= 0) return measured;
  return Math.round(previous * 0.5 + measured * 0.5);
}

/** Orders a master playlist's variants the way hls.js does (height, then bitrate, ascending), so indexes agree. */
export function sortRungs<T extends Rung>(rungs: readonly T[]): T[] {
  return [...rungs].sort((a, b) => a.height - b.height || a.bandwidth - b.bandwidth);
}
