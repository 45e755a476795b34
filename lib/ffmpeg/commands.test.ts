import { describe, expect, it } from "vitest";
import { planLadder } from "@/lib/transcode/ladder";
import { hlsLadderArgs } from "./commands";
import { CPU_ENCODER } from "./encoders";
import type { MediaInfo } from "./probe";

const video = { index: 0, codec: "h264", width: 640, height: 360, displayWidth: 640, displayHeight: 360, rotation: 0, fps: 25, vfr: false };
const english = { index: 1, codec: "aac", language: "eng", title: "English", default: true };
const french = { index: 2, codec: "aac", language: "fra", title: 'Fr, "doublé" a:0' };
const info = (audioTracks: MediaInfo["audioTracks"]): MediaInfo => ({ container: "matroska,webm", duration: 10, size: 1, video, audio: audioTracks?.[0], audioTracks, subtitles: [], raw: {} });
const plan = (i: MediaInfo) => planLadder({ displayWidth: 640, displayHeight: 360, fps: 25, vfr: false, hasAudio: i.audio !== undefined, audioTracks: i.audioTracks });
const after = (args: string[], flag: string) => args[args.indexOf(flag) + 1];

describe("the ladder's ffmpeg arguments", () => {
  it("mux the one audio stream into every rung, as before alternate audio existed", () => {
    const single = info([english]);
    const args = hlsLadderArgs("/in.mkv", "/out", single, plan(single), CPU_ENCODER);
    expect(after(args, "-var_stream_map")).toBe("v:0,a:0,name:240 v:1,a:1,name:360");
    expect(args.filter((a, i) => args[i - 1] === "-map")).toEqual(["[v0]", "[v1]", "0:1", "0:1"]);
    expect(args.join(" ")).toContain("-c:a aac -ac 2 -b:a:0 64000 -b:a:1 96000");
  });

  it("encode each of several audio streams once, in a group every rung names, with no tag text in the map", () => {
    const two = info([english, french]);
    const args = hlsLadderArgs("/in.mkv", "/out", two, plan(two), CPU_ENCODER);
    expect(after(args, "-var_stream_map")).toBe("v:0,agroup:audio,name:240 v:1,agroup:audio,name:360 a:0,agroup:audio,name:a0 a:1,agroup:audio,name:a1");
    expect(args.filter((a, i) => args[i - 1] === "-map")).toEqual(["[v0]", "[v1]", "0:1", "0:2"]);
    expect(args.join(" ")).toContain("-c:a aac -ac 2 -b:a 96000");
    expect(args.join(" ")).not.toMatch(/doublé|English/);
  });
});
