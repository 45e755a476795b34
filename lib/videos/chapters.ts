// Pure: chapters of a video, from its description or from its source's chapter atoms. No Node or server-only imports.

export type Chapter = { start: number; title: string };

/** YouTube's rules for chapters typed in a description, which editors already know. */
const MIN_CHAPTERS = 3;
const MIN_CHAPTER_SECONDS = 10;
const MAX_TITLE = 100;

/** "0:00 Intro", "00:00 - Intro", "1:02:03 – Part two", "• 2:15 | Outro": a timestamp first, then the title. */
const LINE = /^[\s\-*•·–—]*(?:\[|\()?(\d{1,2}(?::\d{2}){1,2})(?:\]|\))?\s*[-–—:|.]?\s+(\S.*)$/;

function seconds(stamp: string): number | null {
  const parts = stamp.split(":").map(Number);
  if (parts.slice(1).some((p) => p >= 60)) return null;
  return parts.reduce((total, p) => total * 60 + p, 0);
}

/**
 * Chapters an editor typed in the description: lines that start with a timestamp. They count only as a whole, as
 * on YouTube: the first at 0:00, at least three, in increasing order, each at least 10 s long (and, when the
 * duration is known, starting before the end). Anything else gives no chapters, so a description that merely
 * mentions a time ("the goal at 1:23") never becomes a chapter list.
 */
export function chaptersFromDescription(description: string, duration: number | null = null): Chapter[] {
  const chapters: Chapter[] = [];
  for (const line of description.split(/\r?\n/)) {
    const match = LINE.exec(line.trim());
    if (!match) continue;
    const start = seconds(match[1]);
    if (start === null) return [];
    chapters.push({ start, title: match[2].trim().slice(0, MAX_TITLE) });
  }
  if (chapters.length < MIN_CHAPTERS || chapters[0].start !== 0) return [];
  const ends = [...chapters.slice(1).map((c) => c.start), duration ?? Infinity];
  for (const [i, chapter] of chapters.entries()) if (ends[i] - chapter.start < MIN_CHAPTER_SECONDS) return [];
  return chapters;
}

type ProbeChapter = { start_time?: string | number; tags?: Record<string, string> };

/** Chapters of the source file (MP4/MKV chapter atoms), from ffprobe's `-show_chapters` answer. */
export function chaptersFromProbe(raw: { chapters?: ProbeChapter[] } | null | undefined): Chapter[] {
  const list = Array.isArray(raw?.chapters) ? raw.chapters : [];
  const chapters = list
    .map((c, i) => ({ start: Number(c.start_time), title: (c.tags?.title ?? "").trim().slice(0, MAX_TITLE) || `Chapter ${i + 1}` }))
    .filter((c) => Number.isFinite(c.start) && c.start >= 0)
    .sort((a, b) => a.start - b.start);
  // A single chapter spanning the file says nothing.
  return chapters.length > 1 ? chapters : [];
}

/** The chapters a video shows: the description's when it has a valid list (the editor's word), else the source's. */
export function chaptersOf(video: { description: string; duration: number | null; probe: unknown }): Chapter[] {
  const typed = chaptersFromDescription(video.description, video.duration);
  if (typed.length) return typed;
  const probe = video.probe as { raw?: { chapters?: ProbeChapter[] } } | null;
  return chaptersFromProbe(probe?.raw);
}

/** The chapter playing at `time` (the last one started), or null before the first. */
export function chapterAt(chapters: Chapter[], time: number): Chapter | null {
  let found: Chapter | null = null;
  for (const c of chapters) if (c.start <= time) found = c;
  return found;
}

function vttTime(s: number): string {
  const ms = Math.round(s * 1000);
  const pad = (n: number, w = 2) => String(n).padStart(w, "0");
  return `${pad(Math.floor(ms / 3_600_000))}:${pad(Math.floor(ms / 60_000) % 60)}:${pad(Math.floor(ms / 1000) % 60)}.${pad(ms % 1000, 3)}`;
}

/** "00:01:02.500" or "01:02.500" in seconds; null for anything else. */
function fromVttTime(stamp: string): number | null {
  const m = /^(?:(\d+):)?([0-5]\d):([0-5]\d)\.(\d{3})$/.exec(stamp);
  return m ? Number(m[1] ?? 0) * 3600 + Number(m[2]) * 60 + Number(m[3]) + Number(m[4]) / 1000 : null;
}

/** The chapters of a WebVTT chapters track (what chaptersVtt writes): each cue's start and text, in order. */
export function chaptersFromVtt(text: string): Chapter[] {
  const chapters: Chapter[] = [];
  for (const block of text.replace(/\r\n?/g, "\n").split(/\n{2,}/)) {
    const lines = block.split("\n");
    const timing = lines.findIndex((l) => l.includes("-->"));
    if (timing < 0) continue;
    const start = fromVttTime(lines[timing].split("-->")[0].trim());
    const title = lines.slice(timing + 1).join(" ").trim().slice(0, MAX_TITLE);
    if (start !== null && title) chapters.push({ start, title });
  }
  return chapters.sort((a, b) => a.start - b.start);
}

/** A WebVTT chapters track (`<track kind="chapters">`): one cue per chapter, up to the next one or the end. */
export function chaptersVtt(chapters: Chapter[], duration: number): string {
  const cues = chapters.map((c, i) => {
    const end = Math.max(c.start, i + 1 < chapters.length ? chapters[i + 1].start : duration);
    // A title cannot hold the cue-timing arrow or start a new block.
    const title = c.title.replace(/-->/g, "→").replace(/\s*\n\s*/g, " ");
    return `${i + 1}\n${vttTime(c.start)} --> ${vttTime(end)}\n${title}`;
  });
  return `WEBVTT\n\n${cues.join("\n\n")}\n`;
}
