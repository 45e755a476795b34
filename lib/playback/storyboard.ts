/** One scrub-preview tile: a time range and where its picture sits in a sprite (`sprite.jpg#xywh=x,y,w,h`). */
export type StoryboardCue = { start: number; end: number; url: string; x: number; y: number; w: number; h: number };

function timestamp(text: string): number {
  const parts = text.trim().split(":").map(Number);
  if (parts.some((n) => !Number.isFinite(n))) return Number.NaN;
  return parts.reduce((total, n) => total * 60 + n, 0);
}

/**
 * Parses a storyboard WebVTT file. Sprite URLs are resolved against the VTT's own URL, so sprites beside it
 * inherit the signed path token.
 */
export function parseStoryboard(vtt: string, baseUrl: string): StoryboardCue[] {
  const cues: StoryboardCue[] = [];
  const lines = vtt.replace(/\r\n?/g, "\n").split("\n");
  for (let i = 0; i < lines.length; i++) {
    const timing = /^\s*((?:\d+:)?\d+:\d+(?:\.\d+)?)\s+-->\s+((?:\d+:)?\d+:\d+(?:\.\d+)?)/.exec(lines[i]);
    if (!timing) continue;
    const target = (lines[i + 1] ?? "").trim();
    const match = /^(.*)#xywh=(\d+),(\d+),(\d+),(\d+)$/.exec(target);
    if (!match) continue;
    const start = timestamp(timing[1]);
    const end = timestamp(timing[2]);
    if (!(end > start)) continue;
    cues.push({
      start,
      end,
      url: new URL(match[1], baseUrl).toString(),
      x: Number(match[2]),
      y: Number(match[3]),
      w: Number(match[4]),
      h: Number(match[5]),
    });
  }
  return cues;
}

export function cueAt(cues: readonly StoryboardCue[], time: number): StoryboardCue | null {
  let lo = 0;
  let hi = cues.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (time < cues[mid].start) hi = mid - 1;
    else if (time >= cues[mid].end) lo = mid + 1;
    else return cues[mid];
  }
  return cues.length && time >= cues[cues.length - 1].end ? cues[cues.length - 1] : null;
}
