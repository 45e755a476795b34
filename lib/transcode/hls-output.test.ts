import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { hlsLadderArgs } from "@/lib/ffmpeg/commands";
import { CPU_ENCODER } from "@/lib/ffmpeg/encoders";
import { probeMedia } from "@/lib/ffmpeg/probe";
import { runFfmpeg } from "@/lib/ffmpeg/run";
import { makeSource, mediaDir } from "@/test/media";
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
    const renditions = await finalizeHlsOutput(damaged("whole", () => {}), plan);
    expect(renditions.map((r) => r.name)).toEqual([plan.rungs[0].name]);
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
