import { describe, expect, it } from "vitest";
import { audioRenditionUris } from "@/lib/playback/hls-manifest";
import { defaultQuality, fitsQuota, formatBytes, masterForRung, safeRel } from "./rules";

const MASTER = `#EXTM3U
#EXT-X-VERSION:7
#EXT-X-INDEPENDENT-SEGMENTS
#EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=640x360,CODECS="avc1.64001e,mp4a.40.2"
v360/index.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=2800000,RESOLUTION=1280x720,CODECS="avc1.64001f,mp4a.40.2"
v720/index.m3u8
`;

describe("offline rules", () => {
  it("keeps only the chosen variant in the master playlist", () => {
    const master = masterForRung(MASTER, "v720/index.m3u8")!;
    expect(master).toContain("#EXT-X-INDEPENDENT-SEGMENTS");
    expect(master).toContain("RESOLUTION=1280x720");
    expect(master).not.toContain("v360");
    expect(master.trim().split("\n").at(-1)).toBe("v720/index.m3u8");
    expect(masterForRung(MASTER, "v1080/index.m3u8")).toBeNull();
  });

  it("keeps every alternate audio rendition beside the chosen variant, and names their playlists", () => {
    const withAudio = MASTER.replace(
      "#EXT-X-INDEPENDENT-SEGMENTS\n",
      '#EXT-X-INDEPENDENT-SEGMENTS\n#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio",NAME="English",LANGUAGE="en",DEFAULT=YES,URI="a0/index.m3u8"\n' +
        '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio",NAME="French",LANGUAGE="fr",URI="a1/index.m3u8"\n#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",NAME="x",URI="s0/index.m3u8"\n',
    );
    expect(audioRenditionUris(withAudio)).toEqual(["a0/index.m3u8", "a1/index.m3u8"]);
    expect(audioRenditionUris(MASTER)).toEqual([]);
    const master = masterForRung(withAudio, "v360/index.m3u8")!;
    expect(master).toContain('URI="a0/index.m3u8"');
    expect(master).toContain('URI="a1/index.m3u8"');
    expect(master).not.toContain("v720");
  });

  it("refuses paths that leave the video's folder", () => {
    expect(safeRel("hls/v720/seg_001.m4s")).toBe("hls/v720/seg_001.m4s");
    for (const bad of ["../secret", "hls/../../x", "/etc/passwd", "https://evil.test/x", "hls//x", "hls\\..\\x", "", "./a"]) expect(safeRel(bad)).toBeNull();
  });

  it("picks the highest rung not taller than the screen, else the lowest", () => {
    const qualities = [360, 1080, 720].map((height) => ({ height, bytes: height * 1000 }));
    expect(defaultQuality(qualities, 844 * 3)?.height).toBe(1080);
    expect(defaultQuality(qualities, 800)?.height).toBe(720);
    expect(defaultQuality(qualities, 200)?.height).toBe(360);
    expect(defaultQuality([], 1000)).toBeNull();
  });

  it("checks the estimate before storing", () => {
    expect(fitsQuota({ usage: 0, quota: 10_000_000 }, 5_000_000)).toBe(true);
    expect(fitsQuota({ usage: 6_000_000, quota: 10_000_000 }, 5_000_000)).toBe(false);
    expect(fitsQuota({}, 5_000_000)).toBe(true);
    expect(formatBytes(1536)).toBe("1.5 KB");
    expect(formatBytes(5 * 1024 * 1024)).toBe("5.0 MB");
  });
});
