import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

/**
 * Text (and image) files that make ffmpeg's own demuxers open other files: playlists,
 * manifests, lists, image sequences. Each is written under a name Reel accepts for uploads and
 * references `target` (an absolute path outside the file, or a sibling where the demuxer only
 * opens siblings). `target` is where a test puts its canary.
 */
export type CraftedInput = { form: string; file: string; target: string };

const hls = (uri: string) => `#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:4\n#EXTINF:4.0,\n${uri}\n#EXT-X-ENDLIST\n`;

export function craftedInputs(dir: string, outside: string): CraftedInput[] {
  fs.mkdirSync(dir, { recursive: true });
  fs.mkdirSync(outside, { recursive: true });
  const made: CraftedInput[] = [];
  const write = (form: string, name: string, content: string | Buffer, target: string) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, content);
    made.push({ form, file, target });
  };

  const segment = path.join(outside, "private.ts");
  write("HLS playlist", "holiday.mkv", hls(segment), segment);
  write("HLS playlist with a file: URI", "holiday-uri.avi", hls(`file:${segment}`), segment);
  const map = path.join(outside, "init.mp4");
  write("HLS playlist with an init map", "holiday-map.mp4", `#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXT-X-MAP:URI="${map}"\n#EXTINF:4.0,\n${segment}\n#EXT-X-ENDLIST\n`, map);
  // A playlist in a container-named file, pointing at a second playlist elsewhere.
  const inner = path.join(outside, "inner.m3u8");
  fs.writeFileSync(inner, hls(segment));
  write("nested HLS playlists", "nested.mkv", hls(inner), inner);
  const representation = path.join(outside, "private.mp4");
  write(
    "DASH manifest",
    "manifest.mp4",
    `<?xml version="1.0" encoding="utf-8"?>\n<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="static" mediaPresentationDuration="PT4S" minBufferTime="PT1S" profiles="urn:mpeg:dash:profile:isoff-on-demand:2011"><Period><AdaptationSet mimeType="video/mp4"><Representation id="1" bandwidth="100000" width="160" height="120" codecs="avc1.64000d"><BaseURL>${representation}</BaseURL></Representation></AdaptationSet></Period></MPD>\n`,
    representation,
  );
  // The concat demuxer refuses absolute names by default; relative ones are "safe", siblings of the list.
  write("ffconcat list", "list.avi", "ffconcat version 1.0\nfile sibling.mp4\n", path.join(dir, "sibling.mp4"));
  write("concat list", "plain-list.avi", `file '${representation}'\n`, representation);
  write("SDP session", "session.mkv", "v=0\no=- 0 0 IN IP4 127.0.0.1\ns=x\nc=IN IP4 127.0.0.1\nt=0 0\nm=video 5004 RTP/AVP 96\na=rtpmap:96 H264/90000\n", path.join(outside, "unused"));
  // VobSub: the index opens the .sub file beside it.
  write("VobSub index", "subs.mkv", "# VobSub index file, v7 (do not modify this line!)\nsize: 720x480\nid: en, index: 0\ntimestamp: 00:00:00:000, filepos: 000000000\n", path.join(dir, "subs.sub"));
  // image2: a picture whose name is a sequence pattern; the demuxer opens the numbered siblings.
  const png = execFileSync("ffmpeg", ["-v", "error", "-f", "lavfi", "-i", "color=c=red:s=16x16", "-frames:v", "1", "-c:v", "png", "-f", "image2pipe", "-"]);
  write("image sequence pattern", "img%03d.png", png, path.join(dir, "img001.png"));
  write("picture named as a video", "picture.mkv", png, path.join(outside, "unused"));
  return made;
}
