import fs from "node:fs";
import path from "node:path";
import { describe, expect, it, vi } from "vitest";

// The demuxer allow-list on its own: these runs have no sandbox around them.
vi.hoisted(() => {
  process.env.REEL_FFMPEG_SANDBOX = "off";
});

import { fifoCanary } from "@/test/canary";
import { craftedInputs } from "@/test/crafted-inputs";
import { makeSource, mediaDir } from "@/test/media";
import { FfmpegError } from "./errors";
import { probeMedia, ProbeError } from "./probe";
import { assertRestrictedInputs, inputFile, NOT_ACCEPTED, runFfmpeg, sourceDemuxer } from "./run";

async function reasonFor(file: string): Promise<string> {
  const error = await probeMedia(file).catch((e: unknown) => e);
  if (!(error instanceof ProbeError)) throw new Error(`expected the probe to refuse ${path.basename(file)}, got ${String(error)}`);
  return error.reason;
}

describe("the demuxer allow-list, without the sandbox", () => {
  const root = path.join(mediaDir(), "allow-list");
  const crafted = craftedInputs(path.join(root, "upload"), path.join(root, "elsewhere"));

  it.each(crafted.map((c) => [c.form, c] as const))("refuses a %s without opening what it names", async (_form, { file, target }) => {
    const canary = fifoCanary(target);
    const reason = await reasonFor(file);
    expect(await canary.stop()).toBe(false);
    expect(reason).toMatch(/^The file is not a video format Reel (accepts|can read)/);
    expect(reason).not.toMatch(/\/|elsewhere|private|sibling|img0/);
  });

  it("says the same whether the path a playlist names exists and is a video or not", async () => {
    const video = makeSource({ name: "someone-elses.mp4", seconds: 1 });
    const pointing = (name: string, target: string) => {
      const file = path.join(root, name);
      fs.writeFileSync(file, `#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:4.0,\n${target}\n#EXT-X-ENDLIST\n`);
      return file;
    };
    const reasons = [
      await reasonFor(pointing("to-video.mkv", video)),
      await reasonFor(pointing("to-nothing.mkv", path.join(root, "no-such-file.mp4"))),
      await reasonFor(pointing("to-text.mkv", "/etc/hostname")),
    ];
    expect(reasons).toEqual([NOT_ACCEPTED, NOT_ACCEPTED, NOT_ACCEPTED]);
  });

  it("still reads the containers Reel accepts", async () => {
    for (const name of ["accepted.mp4", "accepted.mkv", "accepted.avi", "accepted.webm"]) {
      const codecArgs = name.endsWith(".webm") ? ["-c:v", "libvpx-vp9", "-deadline", "realtime", "-c:a", "libopus"] : undefined;
      const info = await probeMedia(makeSource({ name, seconds: 1, ...(codecArgs && { codecArgs }) }));
      expect(info.video.width).toBe(320);
    }
  });

  it("forces the probed demuxer on later runs: a playlist in place of the probed file is not followed", async () => {
    const { file, target } = crafted[0];
    const canary = fifoCanary(target);
    const error = await runFfmpeg({ args: [...inputFile(file, sourceDemuxer("matroska,webm")), "-f", "null", "-"], timeLimitSeconds: 30 }).catch((e: unknown) => e);
    expect(await canary.stop()).toBe(false);
    expect(error).toBeInstanceOf(FfmpegError);
    expect((error as Error).message).not.toContain(root);
  });

  it("refuses a run whose input is not opened through the allow-list", () => {
    expect(() => sourceDemuxer("hls")).toThrow(NOT_ACCEPTED);
    expect(() => sourceDemuxer("concat")).toThrow(NOT_ACCEPTED);
    expect(sourceDemuxer("mov,mp4,m4a,3gp,3g2,mj2")).toBe("mov");
    const file = "file:/srv/x.mkv";
    expect(() => assertRestrictedInputs(["-protocol_whitelist", "file,pipe", "-i", file])).toThrow(/format_whitelist/);
    expect(() => assertRestrictedInputs(["-protocol_whitelist", "file,pipe", "-format_whitelist", "matroska", "-i", file])).toThrow(/format_whitelist/);
    expect(() => assertRestrictedInputs(["-protocol_whitelist", "file,pipe", "-format_whitelist", "concat", "-f", "concat", "-i", file])).toThrow(/format_whitelist/);
    expect(() => assertRestrictedInputs(["-protocol_whitelist", "file,pipe", "-format_whitelist", "matroska,image2", "-f", "matroska", "-i", file])).toThrow(/format_whitelist/);
    expect(() => assertRestrictedInputs(["-protocol_whitelist", "file,http", "-format_whitelist", "matroska", "-f", "matroska", "-i", file])).toThrow(/protocol_whitelist/);
    expect(assertRestrictedInputs([...inputFile("/srv/x.mkv", "matroska"), "-f", "null", "-"])).toEqual(["/srv/x.mkv"]);
    expect(assertRestrictedInputs(inputFile("/srv/media/v/hls/v240/index.m3u8", "hls"))).toEqual(["/srv/media/v/hls/v240"]);
  });
});
