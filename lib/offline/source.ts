import type { PlayerSource } from "@/lib/playback/types";
import type { Chapter } from "@/lib/videos/chapters";
import { resumePosition } from "@/lib/playback/progress";
import { mediaKey, playerScriptKey } from "./store";
import type { DownloadRecord } from "./types";

/**
 * The player's source for a downloaded video: the same Player and hls.js as online, pointed at the stable keys the
 * service worker answers from Cache Storage. Only the stored rung is in its master playlist, with every audio
 * rendition when the ladder has them. `chapters`: read from
 * the stored chapters track (storedChapters).
 */
export function offlineSource(record: DownloadRecord, position: number | null, chapters: Chapter[]): PlayerSource {
  const key = (rel: string) => mediaKey(record.videoId, rel);
  const hls = record.kind === "hls";
  const audioTracks = record.audioTracks ?? [];
  return {
    videoId: record.videoId,
    title: record.title,
    hlsUrl: hls ? key("hls/master.m3u8") : null,
    hlsScriptUrl: hls ? playerScriptKey(audioTracks.length > 0) : null,
    firstSegment: null,
    audioTracks,
    mp4Url: hls ? null : key("mp4/video.mp4"),
    rungs: hls ? [{ height: record.height, bandwidth: 1 }] : [],
    posterUrl: record.posterRel ? key(record.posterRel) : null,
    storyboardUrl: record.storyboardRel ? key(record.storyboardRel) : null,
    captions: record.captions.map((c) => ({ src: key(c.rel), lang: c.lang, label: c.label })),
    chapters,
    duration: record.duration,
    aspect: record.aspect,
    startAt: position === null ? 0 : resumePosition({ position, duration: record.duration, finished: false }, record.duration),
    saveProgress: record.saveProgress,
  };
}
