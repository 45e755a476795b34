import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { paths } from "@/lib/env";
import { layout, localStorage as storage } from "./index";

describe("local media storage", () => {
  it("refuses paths that leave the video's folder, and ids that are not UUIDs", () => {
    const id = randomUUID();
    expect(storage.file(id, layout.mp4)).toBe(path.join(paths.media, id, "mp4/video.mp4"));
    expect(() => storage.file(id, "../other/secret")).toThrow(/escapes/);
    expect(() => storage.file(id, "/etc/passwd")).toThrow(/escapes/);
    expect(() => storage.videoDir("../../etc")).toThrow(/not a video id/);
  });

  it("publishes a finished folder in one rename, replacing the previous one", async () => {
    const id = randomUUID();
    for (const version of ["first", "second"]) {
      const work = await storage.workDir("test-job", id, version);
      const dir = path.join(work, "hls");
      fs.mkdirSync(dir);
      fs.writeFileSync(path.join(dir, "master.m3u8"), version);
      await storage.publish(id, "hls", dir);
    }
    expect(fs.readFileSync(storage.file(id, layout.hlsMaster), "utf8")).toBe("second");
    expect(fs.readdirSync(storage.videoDir(id))).toEqual(["hls"]);
  });

  it("gives each attempt a fresh work folder and clears earlier attempts' leftovers", async () => {
    const id = randomUUID();
    const first = await storage.workDir("test-job", id, "a1");
    fs.writeFileSync(path.join(first, "half-written.m4s"), "x");
    const second = await storage.workDir("test-job", id, "a2");
    expect(fs.existsSync(first)).toBe(false);
    expect(fs.readdirSync(second)).toEqual([]);
    await storage.removeWork("test-job", id);
    expect(fs.existsSync(second)).toBe(false);
  });

  it("links a media-folder original under source/ without touching it", async () => {
    const id = randomUUID();
    const original = path.join(paths.data, `Film ${id}.MKV`);
    fs.writeFileSync(original, "original bytes");
    expect(await storage.linkSource(id, original)).toBe("source/original.mkv");
    expect(fs.readlinkSync(storage.file(id, "source/original.mkv"))).toBe(original);
    await storage.removeVideo(id);
    expect(fs.existsSync(storage.videoDir(id))).toBe(false);
    expect(fs.readFileSync(original, "utf8")).toBe("original bytes");
  });
});
