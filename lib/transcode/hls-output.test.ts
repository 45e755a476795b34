import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { hlsLadderArgs } from "@/lib/ffmpeg/commands";
import { CPU_ENCODER } from "@/lib/ffmpeg/encoders";
import { probeMedia } from "@/lib/ffmpeg/probe";
import { runFfmpeg } from "@/lib/ffmpeg/run";
import { chaptersFromProbe } from "@/lib/videos/chapters";
import { ffprobeJson, makeSource, mediaDir } from "@/test/media";
import { finalizeHlsOutput } from "./hls-output";
import { planLadder, type LadderPlan } from "./ladder";

/**
 * ffmpeg's HLS muxer lists segments it failed to write (a full disk: exit 0, no message), so the
 * ladder is checked file by file before it is published. Damage is made here to a real ladder.
 */

let made: string;
let plan: LadderPlan;

beforeAll(async () => {
  const source = makeSource({ name: "hls-output.mp4", width: 320, height: 240, fps: 15, seconds: 10 });
  const info = await probeMedia(source);
  plan = planLadder({ displayWidth: info.video.displayWidth, displayHeight: info.video.displayHeight, fps: info.video.fps, vfr: info.video.vfr, hasAudio: info.audio !== undefined });
  made = path.join(mediaDir(), "hls-output-ladder");
  fs.mkdirSync(made, { recursive: true });
  await runFfmpeg({ args: hlsLadderArgs(source, made, info, plan, CPU_ENCODER), workDir: made, timeLimitSeconds: 300 });
});

/** A copy of the ladder, with one segment of its only rung damaged by `damage`. */
function damaged(name: string, damage: (segment: string) => void): string {
  const dir = path.join(mediaDir(), name);
  fs.cpSync(made, dir, { recursive: true });
  const rung = path.join(dir, `v${plan.rungs[0].name}`);
  const segments = fs.readdirSync(rung).filter((f) => f.endsWith(".m4s")).sort();
  expect(segments.length).toBeGreaterThan(1);
  damage(path.join(rung, segments[1]));
  return dir;
}

describe("finalizeHlsOutput", () => {
  it("publishes a whole ladder", async () => {
    const dir = damaged("whole", () => {});
    const renditions = await finalizeHlsOutput(dir, plan);
    expect(renditions.map((r) => r.name)).toEqual([plan.rungs[0].name]);
    // One audio stream stays muxed into every rung: no audio rendition, no group.
    expect(plan.alternateAudio).toEqual([]);
    expect(fs.readFileSync(path.join(dir, "master.m3u8"), "utf8")).not.toMatch(/EXT-X-MEDIA|AUDIO=/);
  });

  it("refuses a ladder whose playlist lists a cut, a missing or a header-only segment", async () => {
    const cut = damaged("cut", (segment) => fs.truncateSync(segment, fs.statSync(segment).size - 100));
    const missing = damaged("missing", (segment) => fs.rmSync(segment));
    // Cut exactly after its first box: the boxes fill the file, but the media data never came.
    const headerOnly = damaged("header-only", (segment) => fs.truncateSync(segment, fs.readFileSync(segment).readUInt32BE(0)));
    for (const dir of [cut, missing, headerOnly]) {
      await expect(finalizeHlsOutput(dir, plan)).rejects.toThrow(/^rung \d+: seg\w*\.m4s is missing or incomplete$/);
    }
  });
});

/** Zero crossings per second of the first seconds of a rendition's audio, decoded to mono PCM: twice its tone. */
function toneOf(playlist: string): number {
  const pcm = execFileSync("ffmpeg", ["-v", "error", "-i", playlist, "-t", "2", "-ac", "1", "-ar", "48000", "-f", "s16le", "-"], { maxBuffer: 16 * 1024 * 1024 });
  let crossings = 0;
  for (let i = 2; i + 1 < pcm.length; i += 2) if (pcm.readInt16LE(i - 2) < 0 !== pcm.readInt16LE(i) < 0) crossings++;
  return crossings / 2 / (pcm.length / 2 / 48000);
}

describe("a source with two audio streams", () => {
  let dir: string;
  let altPlan: LadderPlan;
  let master: string;

  beforeAll(async () => {
    const source = makeSource({
      name: "two-languages.mkv",
      width: 320,
      height: 240,
      fps: 15,
      seconds: 6,
      audioTracks: [
        { frequency: 440, language: "eng", title: "English" },
        { frequency: 880, language: "fra" },
      ],
      chapters: [
        { start: 0, end: 2, title: "Intro" },
        { start: 2, end: 6, title: "Main" },
      ],
    });
    const info = await probeMedia(source);
    expect(info.audioTracks?.map((a) => [a.language, a.title, a.default ?? false])).toEqual([
      ["eng", "English", true],
      ["fra", undefined, false],
    ]);
    expect(chaptersFromProbe(info.raw).map((c) => c.title)).toEqual(["Intro", "Main"]);
    altPlan = planLadder({ displayWidth: 320, displayHeight: 240, fps: info.video.fps, vfr: info.video.vfr, hasAudio: true, audioTracks: info.audioTracks });
    dir = path.join(mediaDir(), "two-languages-ladder");
    fs.mkdirSync(dir, { recursive: true });
    await runFfmpeg({ args: hlsLadderArgs(source, dir, info, altPlan, CPU_ENCODER), workDir: dir, timeLimitSeconds: 300 });
    await finalizeHlsOutput(dir, altPlan);
    master = fs.readFileSync(path.join(dir, "master.m3u8"), "utf8");
  });

  it("lists each track once as an audio rendition with its language, and every rung names the group", () => {
    const media = master.split("\n").filter((l) => l.startsWith("#EXT-X-MEDIA:"));
    expect(media).toEqual([
      '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio",LANGUAGE="en",NAME="English",DEFAULT=YES,AUTOSELECT=YES,URI="a0/index.m3u8"',
      '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio",LANGUAGE="fr",NAME="French",DEFAULT=NO,AUTOSELECT=YES,URI="a1/index.m3u8"',
    ]);
    const variants = master.split("\n").filter((l) => l.startsWith("#EXT-X-STREAM-INF:"));
    expect(variants).toHaveLength(altPlan.rungs.length);
    for (const v of variants) expect(v).toMatch(/,AUDIO="audio"$/);
    expect(fs.readdirSync(dir).sort()).toEqual(["a0", "a1", "master.m3u8", ...altPlan.rungs.map((r) => `v${r.name}`)].sort());
  });

  it("encodes each track into its own playable rendition, and the rungs carry picture only", () => {
    const tones = ["a0", "a1"].map((folder) => {
      const playlist = path.join(dir, folder, "index.m3u8");
      const probed = ffprobeJson(playlist);
      expect(probed.streams.map((s) => [s.codec_type, s.codec_name])).toEqual([["audio", "aac"]]);
      expect(Number(probed.format.duration)).toBeGreaterThan(5.5);
      return toneOf(playlist);
    });
    expect(tones[0]).toBeGreaterThan(400);
    expect(tones[0]).toBeLessThan(480);
    expect(tones[1]).toBeGreaterThan(840);
    expect(tones[1]).toBeLessThan(920);
    for (const rung of altPlan.rungs) {
      expect(ffprobeJson(path.join(dir, `v${rung.name}`, "index.m3u8")).streams.map((s) => s.codec_type)).toEqual(["video"]);
    }
  });
});
