import { describe, expect, it } from "vitest";
import { audioRenditionUris } from "@/lib/playback/hls-manifest";
import { defaultQuality, fitsQuota, formatBytes, masterForRung, offlineDataVerdict, readSessionAnswer, safeRel } from "./rules";

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

describe("offline data and the session", () => {
  const A = "6f1d2c1e-8f4b-4c1e-9d2a-1b2c3d4e5f60";
  const B = "0b6a4d1e-2c3f-4e5a-8b7c-9d0e1f2a3b4c";
  const signedOut = readSessionAnswer(401, { error: { code: "unauthorized", message: "Sign in to continue" } });

  it("clears an account's data once Reel says its session ended, online", () => {
    expect(offlineDataVerdict({ online: true, owner: A, answer: signedOut })).toBe("clear");
  });

  it("keeps everything offline, whatever the last answer was", () => {
    expect(offlineDataVerdict({ online: false, owner: A, answer: signedOut })).toBe("keep");
    expect(offlineDataVerdict({ online: false, owner: A, answer: { userId: B } })).toBe("keep");
    expect(offlineDataVerdict({ online: false, owner: A, answer: "unknown" })).toBe("keep");
  });

  it("clears when someone else is signed in on this browser, keeps for the same person", () => {
    expect(offlineDataVerdict({ online: true, owner: A, answer: { userId: B } })).toBe("clear");
    expect(offlineDataVerdict({ online: true, owner: A, answer: { userId: A } })).toBe("keep");
  });

  it("keeps when there is no answer from Reel (network error, server error, someone else's 401)", () => {
    for (const [status, body] of [
      [500, null],
      [502, "<html>Bad gateway</html>"],
      [401, null],
      [401, { message: "proxy password required" }],
      [200, "<html>Sign in to the train's Wi-Fi</html>"],
      [200, { userId: 42 }],
      [403, { error: { code: "forbidden" } }],
    ] as const) {
      const answer = readSessionAnswer(status, body);
      expect(answer, `${status} ${JSON.stringify(body)}`).toBe("unknown");
      expect(offlineDataVerdict({ online: true, owner: A, answer })).toBe("keep");
    }
  });

  it("records whose the data is when nobody was recorded, and a guest who signs in keeps what they saved", () => {
    expect(offlineDataVerdict({ online: true, owner: undefined, answer: { userId: A } })).toBe("adopt");
    expect(offlineDataVerdict({ online: true, owner: undefined, answer: signedOut })).toBe("adopt");
    expect(offlineDataVerdict({ online: true, owner: null, answer: { userId: A } })).toBe("adopt");
    expect(offlineDataVerdict({ online: true, owner: null, answer: signedOut })).toBe("keep");
  });

  it("reads Reel's answers", () => {
    expect(readSessionAnswer(200, { userId: A })).toEqual({ userId: A });
    expect(signedOut).toEqual({ userId: null });
  });
});
