import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it, vi } from "vitest";

// The sandbox on its own: the attacks below go around the demuxer allow-list.
vi.hoisted(() => {
  process.env.REEL_FFMPEG_SANDBOX = "on";
});

import { fifoCanary } from "@/test/canary";
import { craftedInputs } from "@/test/crafted-inputs";
import { makeSource, mediaDir } from "@/test/media";
import { ffprobeBinary } from "./binaries";
import { FfmpegCancelledError, FfmpegError } from "./errors";
import { inputFile, OWN_HLS_DEMUXER, runFfmpeg } from "./run";
import { spawnTied } from "./spawn";

if (!fs.existsSync("/usr/bin/bwrap")) throw new Error("bubblewrap is not installed (apt-get install bubblewrap): ffmpeg's sandbox cannot be tested");

/** ffprobe as an attacker would wish it: no protocol or format whitelist, only what `spawn` adds. */
function bareProbe(file: string, start: (args: string[]) => ReturnType<typeof spawnTied>["child"]) {
  const child = start(["-v", "error", "-show_format", file]);
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  child.stdout.resume();
  return new Promise<{ code: number | null; stderr: string }>((resolve) => child.on("close", (code) => resolve({ code, stderr })));
}

/** The pid of the process whose command line contains `marker` and starts with `program`, once it runs. */
async function pidOf(program: string, marker: string): Promise<number> {
  for (;;) {
    for (const pid of fs.readdirSync("/proc").filter((n) => /^\d+$/.test(n))) {
      try {
        const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8");
        if (cmd.startsWith(program) && cmd.includes(marker)) return Number(pid);
      } catch {
        // The process ended while we looked.
      }
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("the ffmpeg sandbox, without the allow-list", () => {
  const root = path.join(mediaDir(), "sandbox");
  const crafted = craftedInputs(path.join(root, "upload"), path.join(root, "elsewhere"));
  const hls = crafted.find((c) => c.form === "HLS playlist")!;

  it("a bare ffprobe follows a playlist to the file it names (what the sandbox is for)", async () => {
    const canary = fifoCanary(hls.target);
    await bareProbe(hls.file, (args) => spawn(ffprobeBinary(), args, { stdio: ["ignore", "pipe", "pipe"] }));
    expect(await canary.stop()).toBe(true);
  });

  it.each(crafted.map((c) => [c.form, c] as const))("a %s opens nothing it names: only the input is there", async (_form, { file, target }) => {
    const canary = fifoCanary(target);
    await bareProbe(`file:${file}`, (args) => spawnTied(ffprobeBinary(), args, { paths: { read: [file], write: [] } }).child);
    expect(await canary.stop()).toBe(false);
  });

  it("Reel's own HLS input sees its rendition's folder and nothing beside it", async () => {
    const rendition = path.join(root, "hls", "v240");
    fs.mkdirSync(rendition, { recursive: true });
    const outside = path.join(root, "hls", "other-video.ts");
    const playlist = path.join(rendition, "index.m3u8");
    fs.writeFileSync(playlist, `#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:4.0,\n${outside}\n#EXT-X-ENDLIST\n`);
    const canary = fifoCanary(outside);
    const error = await runFfmpeg({ args: [...inputFile(playlist, OWN_HLS_DEMUXER), "-f", "null", "-"], timeLimitSeconds: 30 }).catch((e: unknown) => e);
    expect(await canary.stop()).toBe(false);
    expect(error).toBeInstanceOf(FfmpegError);
  });

  it("shows ffmpeg the system, its input and its work folder only, with an empty environment, at its priority", async () => {
    const work = fs.mkdtempSync(path.join(root, "work-"));
    const input = makeSource({ name: "sandbox-view.mkv", seconds: 1 });
    const marker = path.join(work, "view.mp4");
    const controller = new AbortController();
    const run = runFfmpeg({
      args: ["-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25:duration=600", ...inputFile(input, "matroska"), "-map", "0:v", "-c:v", "libx264", "-preset", "ultrafast", "-f", "mp4", marker],
      timeLimitSeconds: 120,
      workDir: work,
      nice: 7,
      signal: controller.signal,
    }).catch((e: unknown) => e);
    const pid = await pidOf("ffmpeg", marker);
    try {
      // Started at a lower priority, not lowered after the fact (field 19 of stat: nice).
      expect(fs.readFileSync(`/proc/${pid}/stat`, "utf8").replace(/^.*\) /, "").split(" ")[16]).toBe("7");
      const seen = (p: string) => fs.existsSync(path.join(`/proc/${pid}/root`, p));
      expect(seen(work)).toBe(true);
      expect(seen(input)).toBe(true);
      expect(seen("/usr/bin/ffmpeg")).toBe(true);
      for (const hidden of [path.join(root, "elsewhere"), path.join(root, "upload", "list.avi"), "/etc/passwd", "/etc/hostname", "/root", "/home", "/var", process.cwd()]) {
        expect(seen(hidden), hidden).toBe(false);
      }
      // A fresh /tmp: only the folders leading to what is bound (the test data lives under /tmp).
      for (const entry of fs.readdirSync(`/proc/${pid}/root/tmp`)) expect(work.startsWith(path.join("/tmp", entry) + "/")).toBe(true);
      const environment = fs.readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").filter(Boolean);
      expect(environment).toEqual(["PATH=/usr/local/bin:/usr/bin:/bin", "PWD=/"]);
      // No network: only a loopback interface, down.
      expect(fs.readFileSync(`/proc/${pid}/net/dev`, "utf8")).not.toMatch(/^\s*(eth|en|wl)/m);
    } finally {
      controller.abort();
    }
    expect(await run).toBeInstanceOf(FfmpegCancelledError);
  });

  it("cannot write outside its work folder", async () => {
    const work = fs.mkdtempSync(path.join(root, "work-"));
    const outside = path.join(root, "escaped.png");
    // Written into the sandbox's own /tmp (the test data is under /tmp) or refused: either way, not here.
    await runFfmpeg({ args: ["-f", "lavfi", "-i", "color=c=black:s=32x32", "-frames:v", "1", outside], timeLimitSeconds: 30, workDir: work }).catch(() => {});
    expect(fs.existsSync(outside)).toBe(false);
    await runFfmpeg({ args: ["-f", "lavfi", "-i", "color=c=black:s=32x32", "-frames:v", "1", path.join(work, "inside.png")], timeLimitSeconds: 30, workDir: work });
    expect(fs.existsSync(path.join(work, "inside.png"))).toBe(true);
  });
});
