import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { INSTALL_HINT, resolveFfmpeg, selfTestFfmpeg } from "./locate";
import { SANDBOX_INSTALL_HINT } from "./sandbox";

const hasFfmpeg = !spawnSync("ffmpeg", ["-version"], { stdio: "ignore" }).error;

describe("ffmpeg self-test", () => {
  it("reports a missing FFMPEG_PATH exactly, with how to install", async () => {
    const result = await selfTestFfmpeg(resolveFfmpeg({ ffmpegPath: "/nonexistent/ffmpeg", ffprobePath: "/nonexistent/ffprobe" }));
    expect(result.ok).toBe(false);
    expect(result.version).toBeNull();
    expect(result.problems).toEqual([
      "ffmpeg (FFMPEG_PATH=/nonexistent/ffmpeg) was not found.",
      "ffprobe (FFPROBE_PATH=/nonexistent/ffprobe) was not found.",
      INSTALL_HINT,
    ]);
    expect(INSTALL_HINT).toContain("apt-get install ffmpeg");
  });

  it("uses FFMPEG_PATH as given, never falling back to PATH", () => {
    const resolved = resolveFfmpeg({ ffmpegPath: "/opt/ffmpeg/bin/ffmpeg" });
    expect(resolved.ffmpeg).toEqual({ command: "/opt/ffmpeg/bin/ffmpeg", source: "env" });
  });

  it("recognises a program that is not ffmpeg", async () => {
    const result = await selfTestFfmpeg(resolveFfmpeg({ ffmpegPath: "/bin/true", ffprobePath: "/bin/false" }));
    expect(result.ok).toBe(false);
    expect(result.problems[0]).toBe('/bin/true ran but does not look like ffmpeg (no "ffmpeg version" line).');
    expect(result.problems[1]).toMatch(/^ffprobe \(FFPROBE_PATH=\/bin\/false\) failed \(exit 1/);
  });

  it.runIf(hasFfmpeg)("accepts the system ffmpeg with libx264, aac and the hls muxer", async () => {
    const result = await selfTestFfmpeg(resolveFfmpeg({}));
    const expected = /^ffmpeg version (\S+)/.exec(spawnSync("ffmpeg", ["-version"], { encoding: "utf8" }).stdout)![1];
    expect(result).toMatchObject({ ok: true, version: expected, problems: [], capabilities: { libx264: true, aac: true, hls: true, ffprobe: true, sandbox: true } });
    expect(result.ffmpeg.source).toBe("path");
  });

  it.runIf(hasFfmpeg)("fails when ffmpeg cannot start in its sandbox, and says how to install bubblewrap", async () => {
    // No bwrap to be found: the state of a machine without the bubblewrap package.
    const saved = process.env.PATH;
    process.env.PATH = "/nonexistent";
    const result = await selfTestFfmpeg(resolveFfmpeg({ ffmpegPath: "/usr/bin/ffmpeg", ffprobePath: "/usr/bin/ffprobe" })).finally(() => {
      process.env.PATH = saved;
    });
    expect(result.ok).toBe(false);
    expect(result.capabilities).toMatchObject({ libx264: true, sandbox: false });
    expect(result.problems).toEqual([expect.stringMatching(/^ffmpeg cannot start in its sandbox \(bwrap .+\)\.$/), SANDBOX_INSTALL_HINT]);
    expect(SANDBOX_INSTALL_HINT).toContain("apt-get install bubblewrap");
  });
});
