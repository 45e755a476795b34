import { describe, expect, it } from "vitest";
import { rewritePlaylist } from "./hls";

const mint = (url: string, kind: string) => `/p/${kind}/${Buffer.from(url).toString("base64url")}`;
const unmint = (uri: string) => Buffer.from(uri.split("/").pop()!, "base64url").toString();

describe("rewritePlaylist", () => {
  it("rewrites every URI of a master playlist, relative ones against the final URL", () => {
    const master = `#EXTM3U
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="a",NAME="en",URI="audio/en.m3u8"
#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=1000,URI="iframes.m3u8"
#EXT-X-SESSION-KEY:METHOD=AES-128,URI="https://keys.example.net/k1"
#EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=640x360
low/index.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=2400000,RESOLUTION=1280x720
/abs/high.m3u8?sig=secret`;
    const out = rewritePlaylist(master, "https://cdn.example.net/show/master.m3u8", mint);
    expect(out.master).toBe(true);
    expect(out.live).toBe(false);
    expect(out.height).toBe(720);
    expect(out.text).not.toMatch(/example\.net|secret|\.m3u8/);
    const uris = [...out.text.matchAll(/(?:URI="([^"]+)")|^(\/p\/.+)$/gm)].map((m) => m[1] ?? m[2]);
    expect(uris.map(unmint)).toEqual([
      "https://cdn.example.net/show/audio/en.m3u8",
      "https://cdn.example.net/show/iframes.m3u8",
      "https://keys.example.net/k1",
      "https://cdn.example.net/show/low/index.m3u8",
      "https://cdn.example.net/abs/high.m3u8?sig=secret",
    ]);
    expect(uris.map((u) => u.split("/")[2])).toEqual(["playlist", "playlist", "bytes", "playlist", "playlist"]);
    expect(out.variants).toEqual(["https://cdn.example.net/show/low/index.m3u8", "https://cdn.example.net/abs/high.m3u8?sig=secret"]);
  });

  it("rewrites segments, keys and init segments of a media playlist; tells VOD from live", () => {
    // CRLF line ends, as some origins send them.
    const media = `#EXTM3U
#EXT-X-TARGETDURATION:4
#EXT-X-KEY:METHOD=AES-128,URI="key.bin",IV=0x00000000000000000000000000000001
#EXT-X-MAP:URI="init.mp4",BYTERANGE="720@0"
#EXTINF:4.0,
seg0.m4s
#EXTINF:3.5,
http://169.254.169.254/latest/meta-data/
#EXT-X-ENDLIST`.replaceAll("\n", "\r\n");
    const out = rewritePlaylist(media, "http://origin.example.org/v/index.m3u8", mint);
    expect(out.live).toBe(false);
    expect(out.duration).toBeCloseTo(7.5);
    expect(out.text).toContain("IV=0x00000000000000000000000000000001");
    expect(out.text).toContain('BYTERANGE="720@0"');
    const minted = [...out.text.matchAll(/\/p\/bytes\/([A-Za-z0-9_-]+)/g)].map((m) => Buffer.from(m[1], "base64url").toString());
    // The metadata address is passed on as an opaque id: it is refused when fetched, like any other URI.
    expect(minted).toEqual(["http://origin.example.org/v/key.bin", "http://origin.example.org/v/init.mp4", "http://origin.example.org/v/seg0.m4s", "http://169.254.169.254/latest/meta-data/"]);
    expect(rewritePlaylist(media.replace("#EXT-X-ENDLIST", ""), "http://origin.example.org/v/index.m3u8", mint).live).toBe(true);
  });

  it("keeps inline data: keys and never passes an unparsable URI on", () => {
    const out = rewritePlaylist('#EXTM3U\n#EXT-X-KEY:METHOD=AES-128,URI="data:text/plain;base64,AAAA"\n#EXTINF:1,\nhttp://[bad\n', "https://x.example/a.m3u8", mint);
    expect(out.text).toContain('URI="data:text/plain;base64,AAAA"');
    expect(out.text).not.toContain("[bad");
  });
});
