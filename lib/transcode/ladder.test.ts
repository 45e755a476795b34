import { describe, expect, it } from "vitest";
import { planLadder } from "./ladder";

const landscape = (w: number, h: number, extra: Partial<Parameters<typeof planLadder>[0]> = {}) =>
  planLadder({ displayWidth: w, displayHeight: h, fps: 30, vfr: false, hasAudio: true, ...extra });

describe("planLadder", () => {
  it("makes every rung up to a 1080p source and none above it", () => {
    const plan = landscape(1920, 1080);
    expect(plan.rungs.map((r) => `${r.width}x${r.height}`)).toEqual(["426x240", "640x360", "854x480", "1280x720", "1920x1080"]);
    expect(plan.rungs.map((r) => r.videoBitrate / 1000)).toEqual([400, 800, 1400, 2800, 5000]);
    expect(plan.rungs.every((r) => r.maxrate === r.videoBitrate * 1.5 && r.bufsize === r.videoBitrate * 2)).toBe(true);
  });

  it("includes 2160p for a 4K source", () => {
    expect(landscape(3840, 2160).rungs.map((r) => r.name)).toEqual(["240", "360", "480", "720", "1080", "1440", "2160"]);
  });

  it("never upscales: a 360p source gets 240 and 360", () => {
    expect(landscape(640, 360).rungs.map((r) => r.name)).toEqual(["240", "360"]);
  });

  it("adds a native top rung when the source sits well between rungs", () => {
    const plan = landscape(1600, 900);
    expect(plan.rungs.map((r) => r.name)).toEqual(["240", "360", "480", "720", "900"]);
    const top = plan.rungs.at(-1)!;
    expect([top.width, top.height]).toEqual([1600, 900]);
    expect(top.videoBitrate).toBeGreaterThan(2_800_000);
    expect(top.videoBitrate).toBeLessThanOrEqual(5_000_000);
  });

  it("gives a tiny source one rung at its own (even) size", () => {
    const plan = landscape(175, 99);
    expect(plan.rungs.map((r) => [r.width, r.height])).toEqual([[176, 100]]);
  });

  it("is rotation-aware: a portrait source keeps its orientation and is capped by its short side", () => {
    const plan = landscape(1080, 1920);
    expect(plan.rungs.at(-1)).toMatchObject({ name: "1080", width: 1080, height: 1920 });
    expect(plan.rungs[0]).toMatchObject({ width: 240, height: 426 });
  });

  it("keeps sizes even for odd sources", () => {
    const plan = landscape(853, 481);
    expect(plan.rungs.every((r) => r.width % 2 === 0 && r.height % 2 === 0)).toBe(true);
  });

  it("uses a 2 s GOP in frames for constant frame rate, forced keyframes for variable", () => {
    expect(landscape(640, 360, { fps: 25 }).keyframes).toEqual({ mode: "gop", frames: 50 });
    expect(landscape(640, 360, { fps: 29.97 }).keyframes).toEqual({ mode: "gop", frames: 60 });
    expect(landscape(640, 360, { vfr: true }).keyframes).toEqual({ mode: "forced", seconds: 2 });
  });

  it("caps the frame rate at 60 and raises bitrates above 30 fps", () => {
    const plan = landscape(1280, 720, { fps: 120 });
    expect(plan.fps).toBe(60);
    expect(plan.reduceFps).toBe(true);
    expect(plan.rungs.at(-1)!.videoBitrate).toBe(4_200_000);
  });

  it("leaves audio out of every rung when the source has none", () => {
    expect(landscape(640, 360, { hasAudio: false }).rungs.every((r) => r.audioBitrate === 0)).toBe(true);
  });
});
