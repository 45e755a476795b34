import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { makeSource } from "@/test/media";
import { mp4Info, sniff } from "./sniff";

describe("sniff", () => {
  it("believes the bytes, not the name or the type", () => {
    const html = Buffer.from("<!DOCTYPE html><html><body>Not found</body></html>");
    expect(sniff(html, "video/mp4")).toMatchObject({ ok: false, reason: expect.stringMatching(/web page/) });
    expect(sniff(Buffer.from("\n  <html>"), null)).toMatchObject({ ok: false });
    expect(sniff(Buffer.from("{\"error\":1}"), "application/json")).toMatchObject({ ok: false, reason: expect.stringMatching(/application\/json/) });
    expect(sniff(Buffer.from("just text"), "application/octet-stream")).toMatchObject({ ok: false });
    expect(sniff(Buffer.from("#EXTM3U\n#EXT-X-VERSION:3\n"), "application/vnd.apple.mpegurl")).toMatchObject({ ok: true, kind: "hls" });
    expect(sniff(Buffer.from("\uFEFF#EXTM3U\n"), "text/plain")).toMatchObject({ ok: true, kind: "hls" });
    expect(sniff(Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0, 0, 0, 0]), "application/octet-stream")).toMatchObject({ ok: true, container: "webm" });
    const ftyp = Buffer.from("\0\0\0\x18ftypisom\0\0\0\0isomavc1", "latin1");
    expect(sniff(ftyp, "binary/octet-stream")).toMatchObject({ ok: true, kind: "progressive", container: "mp4", contentType: "video/mp4" });
    expect(sniff(ftyp, "image/png")).toMatchObject({ ok: false });
  });

  it("reads duration and picture size from a faststart MP4 header", () => {
    const file = fs.readFileSync(makeSource({ name: "sniff.mp4", width: 320, height: 180, seconds: 2, codecArgs: ["-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-movflags", "+faststart"] }));
    const info = mp4Info(file.subarray(0, 64 * 1024));
    expect(info.width).toBe(320);
    expect(info.height).toBe(180);
    expect(info.duration).toBeGreaterThan(1.9);
    expect(info.duration).toBeLessThan(2.2);
    // moov beyond the head: nothing is made up.
    expect(mp4Info(Buffer.from("\0\0\0\x18ftypisom\0\0\0\0isomavc1\0\0\x10\0mdat", "latin1"))).toEqual({ duration: null, width: null, height: null });
  });
});
