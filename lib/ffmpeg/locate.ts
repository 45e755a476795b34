import "server-only";
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { env } from "@/lib/env";
import { SANDBOX_INSTALL_HINT } from "./sandbox";
import { tiedCommand } from "./spawn";

/**
 * Where ffmpeg and ffprobe come from: FFMPEG_PATH / FFPROBE_PATH when set (used as given, never
 * second-guessed), else the commands on PATH, else a binary shipped by an optional npm package
 * (`ffmpeg-static` / `ffprobe-static`) if one is installed. Reel ships none: the npm builds known
 * here either download at install time or crash on Reel's commands (see the README).
 */

export type ToolSource = "env" | "path" | "npm";
export type ResolvedTool = { command: string; source: ToolSource };
export type ResolvedFfmpeg = { ffmpeg: ResolvedTool; ffprobe: ResolvedTool };

export type FfmpegSelfTest = {
  ok: boolean;
  /** e.g. "5.1.6-0+deb12u1"; null when ffmpeg could not be run. */
  version: string | null;
  ffmpeg: ResolvedTool;
  ffprobe: ResolvedTool;
  /** `sandbox`: ffmpeg runs inside bubblewrap (false when REEL_FFMPEG_SANDBOX=off or bwrap cannot run). */
  capabilities: { libx264: boolean; aac: boolean; hls: boolean; ffprobe: boolean; sandbox: boolean };
  /** What is wrong, in words a person can act on; empty when ok. */
  problems: string[];
};

export const INSTALL_HINT =
  "Install ffmpeg (Debian/Ubuntu: `sudo apt-get install ffmpeg`; Fedora: `sudo dnf install ffmpeg`; " +
  "macOS: `brew install ffmpeg`), or point FFMPEG_PATH and FFPROBE_PATH at an ffmpeg build with libx264, aac and the hls muxer.";

type Overrides = { ffmpegPath?: string; ffprobePath?: string };

export function resolveFfmpeg(overrides: Overrides = { ffmpegPath: env.FFMPEG_PATH, ffprobePath: env.FFPROBE_PATH }): ResolvedFfmpeg {
  return {
    ffmpeg: resolveTool("ffmpeg", overrides.ffmpegPath),
    ffprobe: resolveTool("ffprobe", overrides.ffprobePath),
  };
}

function resolveTool(name: "ffmpeg" | "ffprobe", configured: string | undefined): ResolvedTool {
  if (configured) return { command: configured, source: "env" };
  if (onPath(name)) return { command: name, source: "path" };
  const shipped = npmBinary(name);
  return shipped ? { command: shipped, source: "npm" } : { command: name, source: "path" };
}

/** PATH lookup through a trial run: lets the OS resolve it exactly as it will when jobs run. */
const pathCache = new Map<string, boolean>();
function onPath(name: string) {
  if (!pathCache.has(name)) {
    pathCache.set(name, !spawnSync(name, ["-version"], { stdio: "ignore", timeout: 10_000 }).error);
  }
  return pathCache.get(name)!;
}

const require = createRequire(import.meta.url);
function npmBinary(name: "ffmpeg" | "ffprobe"): string | null {
  try {
    // ffmpeg-static exports the path itself; ffprobe-static exports { path }.
    const exported = require(/* turbopackIgnore: true */ `${name}-static`) as string | { path?: string } | null;
    const file = typeof exported === "string" ? exported : exported?.path;
    return file && existsSync(file) ? file : null;
  } catch {
    return null;
  }
}

/**
 * Runs the checks the worker needs before it takes jobs: version, libx264, aac, the hls muxer,
 * ffprobe, and (unless REEL_FFMPEG_SANDBOX=off) ffmpeg starting inside its sandbox.
 */
export async function selfTestFfmpeg(resolved: ResolvedFfmpeg = resolveFfmpeg()): Promise<FfmpegSelfTest> {
  const { ffmpeg, ffprobe } = resolved;
  const [versionOut, encodersOut, muxersOut, probeOut, sandboxOut] = await Promise.all([
    capture(ffmpeg.command, ["-hide_banner", "-version"]),
    capture(ffmpeg.command, ["-hide_banner", "-encoders"]),
    capture(ffmpeg.command, ["-hide_banner", "-muxers"]),
    capture(ffprobe.command, ["-hide_banner", "-version"]),
    env.REEL_FFMPEG_SANDBOX ? capture(...tiedCommand(ffmpeg.command, ["-hide_banner", "-version"], { paths: { read: [], write: [] } })) : null,
  ]);
  const problems: string[] = [];
  const version = versionOut.ok ? (/^ffmpeg version (\S+)/m.exec(versionOut.stdout)?.[1] ?? null) : null;
  const capabilities = {
    libx264: encodersOut.ok && /^\s*V\S*\s+libx264\s/m.test(encodersOut.stdout),
    aac: encodersOut.ok && /^\s*A\S*\s+aac\s/m.test(encodersOut.stdout),
    hls: muxersOut.ok && /^\s*D?E\s+hls\s/m.test(muxersOut.stdout),
    ffprobe: probeOut.ok && /^ffprobe version /m.test(probeOut.stdout),
    sandbox: sandboxOut?.ok === true && /^ffmpeg version /m.test(sandboxOut.stdout),
  };

  if (!versionOut.ok) {
    problems.push(`ffmpeg ${describe(ffmpeg, "FFMPEG_PATH")} ${versionOut.error}.`);
  } else if (!version) {
    problems.push(`${ffmpeg.command} ran but does not look like ffmpeg (no "ffmpeg version" line).`);
  } else {
    const missing = [!capabilities.libx264 && "the libx264 encoder", !capabilities.aac && "the aac encoder", !capabilities.hls && "the hls muxer"].filter(Boolean);
    if (missing.length) problems.push(`ffmpeg ${version} (${ffmpeg.command}) lacks ${missing.join(", ")}.`);
  }
  if (!probeOut.ok) problems.push(`ffprobe ${describe(ffprobe, "FFPROBE_PATH")} ${probeOut.error}.`);
  else if (!capabilities.ffprobe) problems.push(`${ffprobe.command} ran but does not look like ffprobe.`);
  if (problems.length) problems.push(INSTALL_HINT);
  else if (sandboxOut && !capabilities.sandbox) {
    problems.push(`ffmpeg cannot start in its sandbox (bwrap ${sandboxOut.ok ? "ran but ffmpeg did not answer" : sandboxOut.error}).`, SANDBOX_INSTALL_HINT);
  }

  return { ok: problems.length === 0, version, ffmpeg, ffprobe, capabilities, problems };
}

function describe(tool: ResolvedTool, variable: string) {
  if (tool.source === "env") return `(${variable}=${tool.command})`;
  if (tool.source === "npm") return `(${tool.command}, from an npm package)`;
  return `(\`${tool.command}\` on PATH, ${variable} unset)`;
}

type Captured = { ok: true; stdout: string } | { ok: false; error: string };

function capture(command: string, args: string[]): Promise<Captured> {
  return new Promise((resolve) => {
    // Argument arrays, never a shell: the configured path is used as a file name, nothing else.
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"], timeout: 15_000 });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.once("error", (error: NodeJS.ErrnoException) => {
      const reason =
        error.code === "ENOENT" ? "was not found" : error.code === "EACCES" ? "is not executable" : `could not be started (${error.message})`;
      resolve({ ok: false, error: reason });
    });
    child.once("close", (code, signal) => {
      if (code === 0) return resolve({ ok: true, stdout });
      const detail = stderr.trim().split("\n").slice(-1)[0];
      resolve({ ok: false, error: `failed (${signal ? `killed by ${signal}` : `exit ${code}`}${detail ? `: ${detail}` : ""})` });
    });
  });
}
