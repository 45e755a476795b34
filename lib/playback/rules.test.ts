import { describe, expect, it } from "vitest";
import { isFinished, keyframeAtOrBefore, progressBody, progressToStore, resumePosition, RESUME_REWIND_SECONDS } from "./progress";
import { qoeBody } from "./qoe";
import { chooseStartLevel, blendBandwidth, firstFragmentLevel, sortRungs } from "./start-level";
import { cueAt, parseStoryboard } from "./storyboard";
import { actionForKey, formatTime } from "./shortcuts";
import { parseMaster, parseMediaPlaylist, segmentAt, sourceBufferName } from "./hls-manifest";

describe("resume rule", () => {
  it("resumes a few seconds before the saved position", () => {
    expect(resumePosition({ position: 60, duration: 600, finished: false })).toBe(60 - RESUME_REWIND_SECONDS);
  });
  it("starts over when nothing is saved, near the start, or finished", () => {
    expect(resumePosition(null)).toBe(0);
    expect(resumePosition({ position: 3, duration: 600, finished: false })).toBe(0);
    expect(resumePosition({ position: 590, duration: 600, finished: true })).toBe(0);
  });
  it("treats >= 95% as finished, using the video's own duration when known", () => {
    expect(isFinished(95, 100)).toBe(true);
    expect(isFinished(94.9, 100)).toBe(false);
    expect(isFinished(50, null)).toBe(false);
    expect(resumePosition({ position: 96, duration: null, finished: false }, 100)).toBe(0);
  });
  it("moves a start to the keyframe at or before it (one every 2 s)", () => {
    expect(keyframeAtOrBefore(0)).toBe(0);
    expect(keyframeAtOrBefore(1.9)).toBe(0);
    expect(keyframeAtOrBefore(29)).toBe(28);
    expect(keyframeAtOrBefore(30)).toBe(30);
  });
  it("stores positions clamped to the duration, trusting the probe over the client", () => {
    expect(progressToStore({ position: 500, duration: 100 }, null)).toEqual({ position: 100, duration: 100, finished: true });
    // The client claims a 60 s duration to finish a 600 s video: the probe's duration wins.
    expect(progressToStore({ position: 58, duration: 60 }, 600)).toEqual({ position: 58, duration: 600, finished: false });
  });
});

describe("validation", () => {
  it("refuses negative, infinite or absurd positions", () => {
    expect(progressBody.safeParse({ position: -1 }).success).toBe(false);
    expect(progressBody.safeParse({ position: Number.POSITIVE_INFINITY }).success).toBe(false);
    expect(progressBody.safeParse({ position: 1e9 }).success).toBe(false);
    expect(progressBody.safeParse({ position: 12.5, duration: 60 }).success).toBe(true);
  });
  it("bounds every QoE field", () => {
    const ok = { sessionId: "abcdefgh-123", videoId: crypto.randomUUID(), mode: "hls" };
    expect(qoeBody.safeParse(ok).success).toBe(true);
    expect(qoeBody.safeParse({ ...ok, mode: "flash" }).success).toBe(false);
    expect(qoeBody.safeParse({ ...ok, sessionId: "short" }).success).toBe(false);
    expect(qoeBody.safeParse({ ...ok, sessionId: "has spaces in it" }).success).toBe(false);
    expect(qoeBody.safeParse({ ...ok, stallCount: -1 }).success).toBe(false);
    expect(qoeBody.safeParse({ ...ok, startupMs: 1e9 }).success).toBe(false);
    expect(qoeBody.safeParse({ ...ok, fatalError: "x".repeat(501) }).success).toBe(false);
  });
});

describe("start level", () => {
  const rungs = sortRungs([
    { height: 1080, bandwidth: 5_500_000 },
    { height: 360, bandwidth: 800_000 },
    { height: 720, bandwidth: 3_000_000 },
  ]);
  it("orders rungs as hls.js does", () => {
    expect(rungs.map((r) => r.height)).toEqual([360, 720, 1080]);
  });
  it("picks the rung covering the player, within the bandwidth", () => {
    expect(chooseStartLevel(rungs, 700, 50_000_000)).toBe(1);
    expect(chooseStartLevel(rungs, 2160, 50_000_000)).toBe(2);
    expect(chooseStartLevel(rungs, 300, 50_000_000)).toBe(0);
    expect(chooseStartLevel(rungs, 1080, 2_000_000)).toBe(0);
    expect(chooseStartLevel(rungs, 1080, 5_000_000)).toBe(1);
    expect(chooseStartLevel([], 1080, 5_000_000)).toBe(-1);
  });
  it("fetches the first fragment from a rung no taller than 360p, or the chosen one if lower", () => {
    expect(firstFragmentLevel(rungs, 2)).toBe(0);
    expect(firstFragmentLevel(rungs, 0)).toBe(0);
    const tall = sortRungs([{ height: 240, bandwidth: 300_000 }, { height: 360, bandwidth: 800_000 }, { height: 480, bandwidth: 1_200_000 }, { height: 1080, bandwidth: 5_000_000 }]);
    expect(firstFragmentLevel(tall, 3)).toBe(1);
    expect(firstFragmentLevel(tall, 0)).toBe(0);
    // No rung that small: the smallest there is.
    expect(firstFragmentLevel(sortRungs([{ height: 720, bandwidth: 3e6 }, { height: 1080, bandwidth: 5e6 }]), 1)).toBe(0);
  });
  it("blends measurements", () => {
    expect(blendBandwidth(null, 8e6)).toBe(8e6);
    expect(blendBandwidth(4e6, 8e6)).toBe(6e6);
  });
});

describe("storyboard", () => {
  const vtt = "WEBVTT\n\n00:00.000 --> 00:02.000\nsprite-0.jpg#xywh=0,0,160,90\n\n00:02.000 --> 00:04.000\nsprite-0.jpg#xywh=160,0,160,90\n\n1:00:04.000 --> 1:00:06.000\nsprite-1.jpg#xywh=0,90,160,90\n";
  const cues = parseStoryboard(vtt, "http://h/media/tok/vid/storyboard/storyboard.vtt");
  it("parses tiles and resolves sprites beside the VTT", () => {
    expect(cues).toHaveLength(3);
    expect(cues[1]).toEqual({ start: 2, end: 4, url: "http://h/media/tok/vid/storyboard/sprite-0.jpg", x: 160, y: 0, w: 160, h: 90 });
    expect(cues[2].start).toBe(3604);
  });
  it("finds the tile for a time", () => {
    expect(cueAt(cues, 2.5)?.x).toBe(160);
    expect(cueAt(cues, 0)?.x).toBe(0);
    expect(cueAt(cues, 5000)?.y).toBe(90);
  });
});

describe("keyboard map", () => {
  it("maps the documented shortcuts", () => {
    expect(actionForKey({ key: " " })).toEqual({ type: "toggle-play" });
    expect(actionForKey({ key: "K" })).toEqual({ type: "toggle-play" });
    expect(actionForKey({ key: "j" })).toEqual({ type: "seek-by", seconds: -10 });
    expect(actionForKey({ key: "l" })).toEqual({ type: "seek-by", seconds: 10 });
    expect(actionForKey({ key: "ArrowLeft" })).toEqual({ type: "seek-by", seconds: -5 });
    expect(actionForKey({ key: "ArrowUp" })).toEqual({ type: "volume-by", delta: 0.05 });
    expect(actionForKey({ key: "5" })).toEqual({ type: "seek-to-fraction", fraction: 0.5 });
    expect(actionForKey({ key: "f" })?.type).toBe("toggle-fullscreen");
    expect(actionForKey({ key: "m" })?.type).toBe("toggle-mute");
    expect(actionForKey({ key: "c" })?.type).toBe("toggle-captions");
    expect(actionForKey({ key: "l", ctrlKey: true })).toBeNull();
    expect(actionForKey({ key: "x" })).toBeNull();
  });
  it("formats a position or a duration, floored to whole seconds, the one way for cards and the player", () => {
    expect(formatTime(65)).toBe("1:05");
    expect(formatTime(3725)).toBe("1:02:05");
    expect(formatTime(59.6)).toBe("0:59");
    expect(formatTime(3599.9)).toBe("59:59");
    expect(formatTime(Number.NaN)).toBe("0:00");
    expect(formatTime(-3)).toBe("0:00");
  });
});

describe("HLS playlists", () => {
  it("reads the ladder and the first segments", () => {
    const master = '#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-STREAM-INF:BANDWIDTH=900000,RESOLUTION=640x360,CODECS="avc1.64001e,mp4a.40.2"\nv0/index.m3u8\n#EXT-X-STREAM-INF:BANDWIDTH=3000000,RESOLUTION=1280x720,CODECS="avc1.64001f,mp4a.40.2"\nv1/index.m3u8\n';
    expect(parseMaster(master)).toEqual([
      { uri: "v0/index.m3u8", bandwidth: 900000, width: 640, height: 360, codecs: "avc1.64001e,mp4a.40.2" },
      { uri: "v1/index.m3u8", bandwidth: 3000000, width: 1280, height: 720, codecs: "avc1.64001f,mp4a.40.2" },
    ]);
    const media = parseMediaPlaylist('#EXTM3U\n#EXT-X-MAP:URI="init.mp4"\n#EXTINF:2.000,\nseg0.m4s\n#EXTINF:2.000,\nseg1.m4s\n#EXT-X-ENDLIST\n');
    expect(media.initUri).toBe("init.mp4");
    expect(segmentAt(media, 0)?.uri).toBe("seg0.m4s");
    expect(segmentAt(media, 3)?.uri).toBe("seg1.m4s");
    expect(segmentAt(media, 99)?.uri).toBe("seg1.m4s");
  });

  it("reads the rungs of a master with alternate audio, past its EXT-X-MEDIA lines", () => {
    const master = [
      "#EXTM3U",
      '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio",LANGUAGE="en",NAME="English, UK",DEFAULT=YES,AUTOSELECT=YES,URI="a0/index.m3u8"',
      '#EXT-X-STREAM-INF:BANDWIDTH=996000,AVERAGE-BANDWIDTH=900000,RESOLUTION=640x360,CODECS="avc1.64001e,mp4a.40.2",FRAME-RATE=25.000,AUDIO="audio"',
      "v360/index.m3u8",
    ].join("\n");
    expect(parseMaster(master)).toEqual([{ uri: "v360/index.m3u8", bandwidth: 900000, width: 640, height: 360, codecs: "avc1.64001e,mp4a.40.2" }]);
  });

  it.each([
    ["audiovideo", ["avc1.64001e,mp4a.40.2", "mp4a.40.2, hvc1.1.6.L93.B0"]],
    ["video", ["avc1.64001e", "av01.0.08M.08"]],
    ["audio", ["mp4a.40.2", "opus"]],
  ] as const)("names the SourceBuffer hls.js keeps a rendition in from its CODECS: %s for %j", (buffer, codecs) => {
    for (const c of codecs) expect(sourceBufferName(c)).toBe(buffer);
  });
});
