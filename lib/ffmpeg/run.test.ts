import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { mediaDir } from "@/test/media";
import { FfmpegCancelledError, FfmpegError, FfmpegTimeoutError, withoutPaths } from "./errors";
import { ProgressParser } from "./progress";
import { assertOutputsInside, assertRestrictedInputs, inputFile, runFfmpeg } from "./run";

const longEncode = (out: string) => ["-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25:duration=3600", "-c:v", "libx264", "-preset", "ultrafast", "-f", "mp4", out];

function ffmpegRunningWith(marker: string): boolean {
  for (const pid of fs.readdirSync("/proc").filter((n) => /^\d+$/.test(n))) {
    try {
      if (fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(marker)) return true;
    } catch {
      // The process ended while we looked.
    }
  }
  return false;
}

describe("progress parsing", () => {
  it("turns -progress blocks into percent, fps, speed and ETA", () => {
    const parser = new ProgressParser(100);
    const block = "frame=250\nfps=50.5\nout_time_us=10000000\nout_time_ms=10000000\nout_time=00:00:10.000000\nspeed=2.5x\nprogress=continue\n";
    const [p] = parser.push(block.slice(0, 30));
    expect(p).toBeUndefined();
    const [q] = parser.push(block.slice(30));
    expect(q).toEqual({ outTimeSeconds: 10, frame: 250, fps: 50.5, speed: 2.5, percent: 10, etaSeconds: 36, done: false });
    const [end] = parser.push("out_time_us=N/A\nout_time=00:01:40.000000\nspeed=N/A\nprogress=end\n");
    expect(end).toMatchObject({ outTimeSeconds: 100, percent: 100, etaSeconds: 0, done: true });
  });
});

describe("failure messages", () => {
  it("name no path: ffmpeg's words become a video's failure reason", () => {
    expect(withoutPaths("file:/srv/reel/media/a b/source/x.mkv: Invalid data found when processing input")).toBe("…: Invalid data found when processing input");
    expect(withoutPaths("[hls @ 0x55] Opening '/srv/reel/media/other/source/x.ts' for reading | Error opening input file /tmp/x.mp4.")).toBe(
      "[hls @ 0x55] Opening '…' for reading | Error opening input file …",
    );
    expect(withoutPaths("[Parsed_fps_0 @ 0x1] fps=1/5 | reserved_moov_size is too small")).toBe("[Parsed_fps_0 @ 0x1] fps=1/5 | reserved_moov_size is too small");
  });
});

describe("runFfmpeg", () => {
  it("refuses an input opened without the protocol whitelist", async () => {
    expect(() => assertRestrictedInputs(["-i", "/tmp/x.mp4", "out.mp4"])).toThrow(/protocol_whitelist/);
    expect(() => assertRestrictedInputs(["-i", "file:/tmp/x.mp4", "out.mp4"])).toThrow(/protocol_whitelist/);
    expect(() => assertRestrictedInputs(["-protocol_whitelist", "file,http", "-i", "/tmp/x.mp4"])).toThrow(/protocol_whitelist/);
    await expect(runFfmpeg({ args: ["-i", "/etc/hostname", "-f", "null", "-"], timeLimitSeconds: 5 })).rejects.toThrow(/protocol_whitelist/);
  });

  it("refuses an output outside the run's work folder, which the sandbox would silently lose", async () => {
    const work = "/data/tmp/job";
    expect(() => assertOutputsInside(["-i", "file:/data/in.mp4", "-f", "mp4", "file:/data/tmp/job/out.mp4"], ["/data/in.mp4"], work)).not.toThrow();
    expect(() => assertOutputsInside(["-hls_segment_filename", "/data/tmp/job/v%v/seg.m4s", "/data/tmp/job/v%v/index.m3u8"], [], work)).not.toThrow();
    expect(() => assertOutputsInside(["-f", "mp4", "file:/tmp/elsewhere.mp4"], [], work)).toThrow(/not inside the run's workDir/);
    expect(() => assertOutputsInside(["-f", "mp4", "file:/data/tmp/job-2/out.mp4"], [], work)).toThrow(/not inside/);
    expect(() => assertOutputsInside(["-f", "mp4", "file:/data/tmp/job/../out.mp4"], [], work)).toThrow(/not inside/);
    expect(() => assertOutputsInside(["-f", "mp4", "file:/data/tmp/job/out.mp4"], [], undefined)).toThrow(/none given/);
    expect(() => assertOutputsInside(["-f", "null", "-"], [], undefined)).not.toThrow();
    expect(() => assertOutputsInside(["-vaapi_device", "/dev/dri/renderD128", "-f", "null", "-"], [], undefined)).not.toThrow();
  });

  it("stops a crafted playlist from reaching the network or other protocols", async () => {
    const playlist = path.join(mediaDir(), "crafted.m3u8");
    for (const uri of ["http://127.0.0.1:9/secret.ts", "https://169.254.169.254/latest.ts"]) {
      fs.writeFileSync(playlist, `#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:4,\n${uri}\n#EXT-X-ENDLIST\n`);
      const error = await runFfmpeg({ args: [...inputFile(playlist, "hls"), "-f", "null", "-"], timeLimitSeconds: 10 }).catch((e) => e);
      expect(error).toBeInstanceOf(FfmpegError);
      expect(error.stderr).toMatch(/Protocol .https?. not on whitelist .file,pipe./);
    }
  });

  it("fails a run whose output could not be finished, though ffmpeg exits 0", async () => {
    const source = path.join(mediaDir(), "trailer-source.mp4");
    await runFfmpeg({ args: ["-f", "lavfi", "-i", "testsrc2=size=160x120:rate=10:duration=1", "-c:v", "libx264", "-preset", "ultrafast", source], timeLimitSeconds: 30, workDir: mediaDir() });
    const args = [...inputFile(source, "mov"), "-c", "copy", "-moov_size", "100", "-f", "mp4", path.join(mediaDir(), "trailer-out.mp4")];
    await expect(runFfmpeg({ args, timeLimitSeconds: 30, workDir: mediaDir() })).rejects.toThrow(/reserved_moov_size is too small/);
  });

  it("kills ffmpeg when cancelled", async () => {
    const out = path.join(mediaDir(), "cancelled-run.mp4");
    const controller = new AbortController();
    const run = runFfmpeg({ args: longEncode(out), timeLimitSeconds: 60, workDir: mediaDir(), signal: controller.signal });
    await expect.poll(() => ffmpegRunningWith(out)).toBe(true);
    controller.abort();
    await expect(run).rejects.toBeInstanceOf(FfmpegCancelledError);
    expect(ffmpegRunningWith(out)).toBe(false);
  });

  it("kills ffmpeg cancelled in its first milliseconds, while its sandbox is being set up", async () => {
    for (let i = 0; i < 20; i++) {
      const out = path.join(mediaDir(), `cancelled-early-${i}.mp4`);
      const controller = new AbortController();
      const run = runFfmpeg({ args: longEncode(out), timeLimitSeconds: 60, workDir: mediaDir(), signal: controller.signal });
      setTimeout(() => controller.abort(), i % 10);
      await expect(run).rejects.toBeInstanceOf(FfmpegCancelledError);
      expect(ffmpegRunningWith(out), `run ${i}, cancelled after ${i % 10} ms`).toBe(false);
    }
  });

  it("kills ffmpeg at its time limit", async () => {
    const out = path.join(mediaDir(), "slow-run.mp4");
    // The encode would run for minutes: ending at all, with this error, is the time limit at work.
    await expect(runFfmpeg({ args: longEncode(out), timeLimitSeconds: 0.5, workDir: mediaDir() })).rejects.toBeInstanceOf(FfmpegTimeoutError);
    expect(ffmpegRunningWith(out)).toBe(false);
  });
});
