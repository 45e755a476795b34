import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { planLadder } from "@/lib/transcode/ladder";
import { makeSource, mediaDir } from "@/test/media";
import { hlsLadderArgs } from "./commands";
import { CPU_ENCODER, detectEncoder, hardwareEncoder, testEncoder, withCpuFallback } from "./encoders";
import { probeMedia } from "./probe";
import { runFfmpeg } from "./run";

// These machines have no GPU encoders (no /dev/dri, no CUDA): detection must find none and fall
// back to the CPU. Where one exists, the choice must match what the test encode found.
describe("hardware encoder detection", () => {
  it("uses the CPU without testing anything when REEL_HWACCEL=none", async () => {
    expect(await detectEncoder("none")).toEqual({ encoder: CPU_ENCODER, tried: [] });
  });

  it("detects by a real one-frame encode: libx264 passes it", async () => {
    expect(await testEncoder(CPU_ENCODER)).toEqual({ ok: true });
  });

  it("falls back to the CPU when the requested hardware encoder cannot encode a frame", async () => {
    const choice = await detectEncoder("nvenc");
    expect(choice.tried).toHaveLength(1);
    expect(choice.tried[0].kind).toBe("nvenc");
    if (choice.tried[0].ok) expect(choice.encoder.kind).toBe("nvenc");
    else {
      expect(choice.tried[0].error).toMatch(/ffmpeg failed/);
      expect(choice.encoder).toBe(CPU_ENCODER);
    }
  });

  it("auto tries NVENC, VAAPI and QSV in turn and settles on what works", async () => {
    const choice = await detectEncoder("auto");
    const working = choice.tried.find((t) => t.ok);
    expect(choice.tried.map((t) => t.kind)).toEqual(working ? choice.tried.map((t) => t.kind) : ["nvenc", "vaapi", "qsv"]);
    expect(choice.encoder.kind).toBe(working?.kind ?? "cpu");
  });

  it("redoes a ladder on the CPU when the hardware encoder fails part-way", async () => {
    const source = makeSource({ name: "fallback.mp4", width: 320, height: 240, seconds: 2 });
    const info = await probeMedia(source);
    const plan = planLadder({ displayWidth: 320, displayHeight: 240, fps: info.video.fps, vfr: false, hasAudio: true });
    const out = path.join(mediaDir(), "fallback-hls");
    const attempts: string[] = [];
    const result = await withCpuFallback(hardwareEncoder("vaapi"), async (encoder) => {
      attempts.push(encoder.kind);
      fs.rmSync(out, { recursive: true, force: true });
      return runFfmpeg({ args: hlsLadderArgs(source, out, info, plan, encoder), timeLimitSeconds: 60, workDir: mediaDir() });
    });
    if (fs.existsSync("/dev/dri")) return; // a real VAAPI device may have succeeded
    expect(attempts).toEqual(["vaapi", "cpu"]);
    expect(result.encoder).toBe("cpu");
    expect(fs.existsSync(path.join(out, "v240", "index.m3u8"))).toBe(true);
  });

  it("does not retry a CPU encode that fails", async () => {
    let calls = 0;
    await expect(
      withCpuFallback(CPU_ENCODER, async () => {
        calls++;
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(calls).toBe(1);
  });
});
