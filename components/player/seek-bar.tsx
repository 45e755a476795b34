"use client";

import { useEffect, useRef, useState } from "react";
import { cueAt, parseStoryboard, type StoryboardCue } from "@/lib/playback/storyboard";
import { formatTime } from "@/lib/playback/shortcuts";
import { chapterAt, type Chapter } from "@/lib/videos/chapters";

type Props = {
  currentTime: number;
  duration: number;
  buffered: [number, number][];
  storyboardUrl: string | null;
  chapters: Chapter[];
  onSeek(time: number): void;
};

const PREVIEW_WIDTH = 160;

/** The storyboard is fetched on first hover, so it never competes with the first frame. */
function useStoryboard(url: string | null, wanted: boolean) {
  const [cues, setCues] = useState<StoryboardCue[]>([]);
  const requested = useRef(false);
  useEffect(() => {
    if (!url || !wanted || requested.current) return;
    requested.current = true;
    fetch(url)
      .then((r) => (r.ok ? r.text() : ""))
      .then((text) => setCues(parseStoryboard(text, new URL(url, window.location.href).toString())))
      .catch(() => {});
  }, [url, wanted]);
  return cues;
}

export function SeekBar({ currentTime, duration, buffered, storyboardUrl, chapters, onSeek }: Props) {
  const trackRef = useRef<HTMLDivElement>(null);
  const [hover, setHover] = useState<{ time: number; x: number; width: number } | null>(null);
  const [dragging, setDragging] = useState(false);
  const cues = useStoryboard(storyboardUrl, hover !== null);
  const known = Number.isFinite(duration) && duration > 0;

  const timeAt = (clientX: number) => {
    const rect = trackRef.current!.getBoundingClientRect();
    const x = Math.min(Math.max(clientX - rect.left, 0), rect.width);
    return { time: known ? (x / rect.width) * duration : 0, x, width: rect.width };
  };

  const onPointerDown = (e: React.PointerEvent) => {
    if (!known || e.button !== 0) return;
    e.currentTarget.setPointerCapture(e.pointerId);
    setDragging(true);
    const point = timeAt(e.clientX);
    setHover(point);
    onSeek(point.time);
  };
  const onPointerMove = (e: React.PointerEvent) => {
    if (!known) return;
    const point = timeAt(e.clientX);
    setHover(point);
    if (dragging) onSeek(point.time);
  };
  const onPointerUp = (e: React.PointerEvent) => {
    setDragging(false);
    if (e.pointerType !== "mouse") setHover(null);
  };

  const played = known ? Math.min(currentTime / duration, 1) : 0;
  const cue = hover ? cueAt(cues, hover.time) : null;
  const chapter = hover ? chapterAt(chapters, hover.time) : null;
  const playingChapter = chapterAt(chapters, currentTime);
  const previewLeft = hover ? Math.min(Math.max(hover.x - PREVIEW_WIDTH / 2, 0), Math.max(hover.width - PREVIEW_WIDTH, 0)) : 0;

  return (
    <div
      ref={trackRef}
      role="slider"
      tabIndex={-1}
      aria-label="Seek"
      aria-valuemin={0}
      aria-valuemax={known ? Math.round(duration) : 0}
      aria-valuenow={Math.round(currentTime)}
      aria-valuetext={`${formatTime(currentTime)} of ${formatTime(duration)}${playingChapter ? `, ${playingChapter.title}` : ""}`}
      data-testid="seek-bar"
      className="group relative flex h-11 cursor-pointer touch-none items-center"
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onPointerLeave={() => !dragging && setHover(null)}
    >
      <div className="relative h-1 w-full overflow-hidden rounded-full bg-white/25 transition-[height] group-hover:h-1.5">
        {known &&
          buffered.map(([start, end]) => (
            <div
              key={start}
              data-testid="buffered-range"
              className="absolute inset-y-0 bg-white/40"
              style={{ left: `${(start / duration) * 100}%`, width: `${((end - start) / duration) * 100}%` }}
            />
          ))}
        <div className="absolute inset-y-0 left-0 bg-accent" style={{ width: `${played * 100}%` }} />
        {/* A gap in the bar where each chapter after the first begins. */}
        {known &&
          chapters
            .filter((c) => c.start > 0 && c.start < duration)
            .map((c) => <div key={c.start} data-testid="chapter-mark" className="absolute inset-y-0 w-0.5 bg-black/80" style={{ left: `${(c.start / duration) * 100}%` }} />)}
      </div>
      <div
        className="pointer-events-none absolute top-1/2 h-3.5 w-3.5 -translate-x-1/2 -translate-y-1/2 rounded-full bg-accent opacity-0 transition-opacity group-hover:opacity-100"
        style={{ left: `${played * 100}%` }}
      />
      {hover && known && (
        <div className="pointer-events-none absolute bottom-full mb-2 flex flex-col items-center" style={{ left: previewLeft, width: PREVIEW_WIDTH }}>
          {cue && (
            <div
              data-testid="scrub-preview"
              className="overflow-hidden rounded border border-white/30 bg-black shadow-lg"
              style={{ width: PREVIEW_WIDTH, height: (PREVIEW_WIDTH * cue.h) / cue.w }}
            >
              {/* The tile is drawn at the sprite's own scale and then scaled as a whole, so the sprite's size need not be known. */}
              <div
                className="origin-top-left bg-no-repeat"
                style={{
                  width: cue.w,
                  height: cue.h,
                  backgroundImage: `url("${cue.url}")`,
                  backgroundPosition: `-${cue.x}px -${cue.y}px`,
                  transform: `scale(${PREVIEW_WIDTH / cue.w})`,
                }}
              />
            </div>
          )}
          {chapter && (
            <span className="mt-1 max-w-full truncate rounded bg-black/80 px-1.5 py-0.5 text-xs font-medium" data-testid="scrub-chapter">
              {chapter.title}
            </span>
          )}
          <span className="mt-1 rounded bg-black/80 px-1.5 py-0.5 text-xs tabular-nums">{formatTime(hover.time)}</span>
        </div>
      )}
    </div>
  );
}
