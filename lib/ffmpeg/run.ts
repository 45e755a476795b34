import os from "node:os";
import { ffmpegBinary } from "./binaries";
import { FfmpegCancelledError, FfmpegError, FfmpegTimeoutError } from "./errors";
import { type FfmpegProgress, ProgressParser } from "./progress";
import { spawnTied } from "./spawn";

/** Protocols an input may use: our inputs are local files (and pipes); nothing may reach the network or other files. */
export const PROTOCOL_WHITELIST = "file,pipe";

/**
 * The arguments that open one local file as an input. The `file:` prefix stops ffmpeg from
 * reading a protocol out of the name, and the whitelist stops a crafted playlist or
 * reference inside the file from opening anything but files.
 */
export function inputFile(absolutePath: string, before: string[] = []): string[] {
  if (!absolutePath.startsWith("/")) throw new Error(`ffmpeg inputs must be absolute paths, got ${absolutePath}`);
  return ["-protocol_whitelist", PROTOCOL_WHITELIST, ...before, "-i", `file:${absolutePath}`];
}

/** An output path, with the `file:` prefix so its name is never read as a protocol or an option. */
export function outputFile(absolutePath: string): string {
  if (!absolutePath.startsWith("/")) throw new Error(`ffmpeg outputs must be absolute paths, got ${absolutePath}`);
  return `file:${absolutePath}`;
}

/**
 * How long a run may take: a base plus a multiple of the media duration (an encode of a 2 h film
 * may legitimately take hours on 2 cores; a remux takes seconds). Unknown duration → the base.
 */
export function timeLimitFor(durationSeconds: number | undefined, { perMediaSecond, baseSeconds }: { perMediaSecond: number; baseSeconds: number }): number {
  return baseSeconds + (durationSeconds && durationSeconds > 0 ? durationSeconds * perMediaSecond : 0);
}

export type RunOptions = {
  /** Arguments after ffmpeg's global options; every `-i` must follow a restrictive `-protocol_whitelist` (see `inputFile`). */
  args: string[];
  timeLimitSeconds: number;
  /** Media duration, for percent and ETA. */
  durationSeconds?: number;
  signal?: AbortSignal;
  onProgress?: (progress: FfmpegProgress) => void;
  /** Lower the priority of long encodes so the web process stays responsive on small machines. */
  nice?: number;
};

export type RunResult = { elapsedMs: number; stderr: string };

const GLOBAL_ARGS = ["-hide_banner", "-nostdin", "-nostats", "-loglevel", "error", "-y", "-progress", "pipe:1"];
const STDERR_TAIL = 8192;

/**
 * Runs ffmpeg with an ARGUMENT ARRAY (never a shell), tied to this process's life (see
 * spawnTied). Progress comes from `-progress pipe:1`. Cancellation (the signal) and the time
 * limit kill it.
 */
export async function runFfmpeg(options: RunOptions): Promise<RunResult> {
  assertRestrictedInputs(options.args);
  const started = Date.now();
  return new Promise<RunResult>((resolve, reject) => {
    if (options.signal?.aborted) return reject(new FfmpegCancelledError());
    const child = spawnTied(ffmpegBinary(), [...GLOBAL_ARGS, ...options.args]);
    if (options.nice && child.pid) {
      try {
        os.setPriority(child.pid, options.nice);
      } catch {
        // Not permitted here: run at normal priority.
      }
    }
    let stderr = "";
    let settled = false;
    let killedFor: "cancel" | "timeout" | null = null;
    const parser = new ProgressParser(options.durationSeconds);

    const kill = (why: "cancel" | "timeout") => {
      if (killedFor || child.exitCode !== null) return;
      killedFor = why;
      child.kill("SIGKILL");
    };
    const onAbort = () => kill("cancel");
    options.signal?.addEventListener("abort", onAbort, { once: true });
    const timer = setTimeout(() => kill("timeout"), options.timeLimitSeconds * 1000);

    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      for (const p of parser.push(chunk)) options.onProgress?.(p);
    });
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_TAIL);
    });

    const finish = (error: Error | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      if (error) reject(error);
      else resolve({ elapsedMs: Date.now() - started, stderr });
    };
    child.on("error", (err) => finish(new FfmpegError(`could not start ffmpeg: ${err.message}`, null, "")));
    child.on("close", (code, signal) => {
      if (killedFor === "cancel") return finish(new FfmpegCancelledError());
      if (killedFor === "timeout") return finish(new FfmpegTimeoutError(options.timeLimitSeconds, stderr));
      if (code === 0) return finish(null);
      const last = stderr.trim().split("\n").slice(-3).join(" | ");
      finish(new FfmpegError(`ffmpeg failed (${signal ?? `exit ${code}`})${last ? `: ${last}` : ""}`, code, stderr));
    });
  });
}

/** Refuses a command that opens an input without a restrictive protocol whitelist (lavfi sources excepted). */
export function assertRestrictedInputs(args: string[]) {
  let whitelist: string | null = null;
  let format: string | null = null;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "-protocol_whitelist") whitelist = args[++i];
    else if (arg === "-f") format = args[++i];
    else if (arg === "-i") {
      const allowed = format === "lavfi" || (whitelist !== null && whitelist.split(",").every((p) => PROTOCOL_WHITELIST.split(",").includes(p)));
      if (!allowed) throw new Error(`ffmpeg input ${args[i + 1]} is not opened with a restrictive -protocol_whitelist`);
      whitelist = null;
      format = null;
      i++;
    }
  }
}
