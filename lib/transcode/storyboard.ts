/** Scrub-preview storyboard planning and its WebVTT index. Pure. */

export type StoryboardPlan = { interval: number; width: number; height: number; columns: number; rows: number; thumbs: number; sprites: number };

const MAX_THUMBS = 300;
const THUMB_WIDTH = 160;
const COLUMNS = 10;
const ROWS = 10;

/**
 * One thumbnail per second for short videos, spaced out so there are at most MAX_THUMBS for long
 * ones; 160 px wide; 10×10 thumbnails per sprite sheet.
 */
export function planStoryboard(durationSeconds: number, displayWidth: number, displayHeight: number): StoryboardPlan {
  const interval = Math.max(1, Math.ceil(durationSeconds / MAX_THUMBS));
  const thumbs = Math.max(1, Math.ceil(durationSeconds / interval));
  const width = THUMB_WIDTH;
  const height = Math.max(2, Math.round((THUMB_WIDTH * displayHeight) / displayWidth / 2) * 2);
  return { interval, width, height, columns: COLUMNS, rows: ROWS, thumbs, sprites: Math.ceil(thumbs / (COLUMNS * ROWS)) };
}

/** Cues `start --> end` pointing at `sprite-<n>.webp#xywh=x,y,w,h` (paths relative to the VTT). */
export function storyboardVtt(plan: StoryboardPlan, durationSeconds: number, spriteName: (n: number) => string): string {
  const perSprite = plan.columns * plan.rows;
  const lines = ["WEBVTT", ""];
  for (let i = 0; i < plan.thumbs; i++) {
    const start = i * plan.interval;
    const end = Math.min((i + 1) * plan.interval, durationSeconds);
    if (end <= start) break;
    const sprite = Math.floor(i / perSprite) + 1;
    const cell = i % perSprite;
    const x = (cell % plan.columns) * plan.width;
    const y = Math.floor(cell / plan.columns) * plan.height;
    lines.push(`${timestamp(start)} --> ${timestamp(end)}`, `${spriteName(sprite)}#xywh=${x},${y},${plan.width},${plan.height}`, "");
  }
  return lines.join("\n");
}

export function timestamp(seconds: number): string {
  const ms = Math.round(seconds * 1000);
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  return `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}:${String(s).padStart(2, "0")}.${String(ms % 1000).padStart(3, "0")}`;
}
