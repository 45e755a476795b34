import { describe, expect, it } from "vitest";
import { codecsByUri, masterPlaylist, measureBandwidth, parseMediaPlaylist, replaceMapUri } from "./playlists";
import { planStoryboard, storyboardVtt } from "./storyboard";

const media = `#EXTM3U
#EXT-X-VERSION:7
#EXT-X-TARGETDURATION:4
#EXT-X-PLAYLIST-TYPE:VOD
#EXT-X-MAP:URI="init_0.mp4"
#EXTINF:4.000000,
seg00000.m4s
#EXTINF:4.000000,
seg00001.m4s
#EXTINF:1.500000,
seg00002.m4s
#EXT-X-ENDLIST
`;

describe("HLS playlists", () => {
  it("reads a media playlist and renames its init segment", () => {
    expect(parseMediaPlaylist(media)).toEqual({
      mapUri: "init_0.mp4",
      targetDuration: 4,
      segments: [
        { uri: "seg00000.m4s", duration: 4 },
        { uri: "seg00001.m4s", duration: 4 },
        { uri: "seg00002.m4s", duration: 1.5 },
      ],
    });
    expect(parseMediaPlaylist(replaceMapUri(media, "init.mp4")).mapUri).toBe("init.mp4");
  });

  it("measures peak and average bandwidth from segment sizes", () => {
    const { bandwidth, averageBandwidth } = measureBandwidth(
      [
        { duration: 4, bytes: 400_000 },
        { duration: 4, bytes: 600_000 },
        { duration: 1, bytes: 200_000 },
      ],
      1000,
    );
    expect(bandwidth).toBe(1_200_000); // the 4 s segment of 600 kB; the short last one is counted over 4 s
    expect(averageBandwidth).toBeCloseTo((1_201_000 * 8) / 9, 0);
  });

  it("writes a master playlist with every attribute players use", () => {
    const master = masterPlaylist([{ uri: "v240/index.m3u8", bandwidth: 500_123.4, averageBandwidth: 450_000, width: 426, height: 240, codecs: "avc1.640015,mp4a.40.2", frameRate: 29.97 }]);
    expect(master).toBe(
      '#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-INDEPENDENT-SEGMENTS\n#EXT-X-STREAM-INF:BANDWIDTH=500123,AVERAGE-BANDWIDTH=450000,RESOLUTION=426x240,CODECS="avc1.640015,mp4a.40.2",FRAME-RATE=29.970\nv240/index.m3u8\n',
    );
    expect(codecsByUri(master).get("v240/index.m3u8")).toBe("avc1.640015,mp4a.40.2");
  });

  it("writes alternate audio renditions and points every variant at their group", () => {
    const variant = { bandwidth: 500_000, averageBandwidth: 450_000, codecs: "avc1.640015,mp4a.40.2", frameRate: 25 };
    const master = masterPlaylist(
      [
        { uri: "v240/index.m3u8", width: 426, height: 240, ...variant },
        { uri: "v360/index.m3u8", width: 640, height: 360, ...variant },
      ],
      [
        { uri: "a0/index.m3u8", group: "audio", name: "English", language: "en", default: true },
        { uri: "a1/index.m3u8", group: "audio", name: "Track 2", default: false },
      ],
    );
    expect(master.split("\n")).toEqual([
      "#EXTM3U",
      "#EXT-X-VERSION:7",
      "#EXT-X-INDEPENDENT-SEGMENTS",
      '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio",LANGUAGE="en",NAME="English",DEFAULT=YES,AUTOSELECT=YES,URI="a0/index.m3u8"',
      '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio",NAME="Track 2",DEFAULT=NO,AUTOSELECT=YES,URI="a1/index.m3u8"',
      '#EXT-X-STREAM-INF:BANDWIDTH=500000,AVERAGE-BANDWIDTH=450000,RESOLUTION=426x240,CODECS="avc1.640015,mp4a.40.2",FRAME-RATE=25.000,AUDIO="audio"',
      "v240/index.m3u8",
      '#EXT-X-STREAM-INF:BANDWIDTH=500000,AVERAGE-BANDWIDTH=450000,RESOLUTION=640x360,CODECS="avc1.640015,mp4a.40.2",FRAME-RATE=25.000,AUDIO="audio"',
      "v360/index.m3u8",
      "",
    ]);
    // The watch page's own reader sees the rungs and nothing else.
    expect(codecsByUri(master).size).toBe(2);
  });
});

describe("storyboard", () => {
  it("spaces thumbnails so a long video has at most 300, 10×10 per sheet", () => {
    expect(planStoryboard(8, 426, 240)).toMatchObject({ interval: 1, thumbs: 8, sprites: 1, width: 160, height: 90 });
    expect(planStoryboard(7200, 1920, 1080)).toMatchObject({ interval: 24, thumbs: 300, sprites: 3 });
  });

  it("indexes each thumbnail's cell in its sprite", () => {
    const plan = planStoryboard(101, 1280, 720);
    const vtt = storyboardVtt(plan, 101, (n) => `sprite-${n}.webp`);
    expect(vtt.startsWith("WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nsprite-1.webp#xywh=0,0,160,90\n")).toBe(true);
    expect(vtt).toContain("00:00:11.000 --> 00:00:12.000\nsprite-1.webp#xywh=160,90,160,90");
    expect(vtt).toContain("00:01:40.000 --> 00:01:41.000\nsprite-2.webp#xywh=0,0,160,90");
  });
});
