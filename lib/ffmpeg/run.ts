import "server-only";
import path from "node:path";
import { ffmpegBinary } from "./binaries";
import { FfmpegCancelledError, FfmpegError, FfmpegTimeoutError, withoutPaths } from "./errors";
import { type FfmpegProgress, ProgressParser } from "./progress";
import type { SandboxPaths } from "./sandbox";
import { spawnTied } from "./spawn";

/** Protocols an input may use: our inputs are local files (and pipes); nothing may reach the network or other files. */
export const PROTOCOL_WHITELIST = "file,pipe";

/**
 * The container demuxers Reel opens sources with: MP4/MOV/3GP, Matroska/WebM, AVI/DivX,
 * WMV/ASF, FLV, MPEG-PS/VOB, MPEG-TS/M2TS, Ogg and MXF (the upload extensions). Never a
 * playlist, manifest, list or image-sequence demuxer (hls, dash, concat, image2, imf, sdp,
 * vobsub...): those open the other files a crafted text names, and the local ones are `file:`
 * opens that the protocol whitelist lets through.
 */
export const SOURCE_DEMUXERS: readonly string[] = ["mov", "matroska", "avi", "asf", "flv", "mpeg", "mpegts", "ogg", "mxf"];

/**
 * Reel's own HLS renditions, read back by the storyboard: the one place an `hls` input is
 * opened, on playlists the ladder job wrote, with fMP4 (`mov`) as the only segment format.
 */
export const OWN_HLS_DEMUXER = "hls";
const FORMAT_WHITELISTS: Record<string, string> = { [OWN_HLS_DEMUXER]: `${OWN_HLS_DEMUXER},mov` };

/** The reason given for playlists, manifests, lists, image sequences and every other format outside the allow-list. */
export const NOT_ACCEPTED = "The file is not a video format Reel accepts";

/**
 * The demuxer the probe found for a source (`format_name` such as "mov,mp4,m4a,3gp,3g2,mj2"),
 * to be forced on every later run; a format outside the allow-list is refused.
 */
export function sourceDemuxer(container: string): string {
  const demuxer = container.split(",")[0];
  if (!SOURCE_DEMUXERS.includes(demuxer)) throw new Error(NOT_ACCEPTED);
  return demuxer;
}

/**
 * The arguments that open one local file as an input with the given demuxer, forced: ffmpeg
 * neither guesses the format from the content (a text named .mkv holding a playlist) nor lets
 * the demuxer open files of any other format. The `file:` prefix stops ffmpeg from reading a
 * protocol out of the name, and the protocol whitelist stops a reference from reaching the network.
 */
export function inputFile(absolutePath: string, demuxer: string, before: string[] = []): string[] {
  if (!absolutePath.startsWith("/")) throw new Error(`ffmpeg inputs must be absolute paths, got ${absolutePath}`);
  const formats = FORMAT_WHITELISTS[demuxer] ?? demuxer;
  return ["-protocol_whitelist", PROTOCOL_WHITELIST, "-format_whitelist", formats, "-f", demuxer, ...before, "-i", `file:${absolutePath}`];
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
  /** Arguments after ffmpeg's global options; every file input is opened by `inputFile`. */
  args: string[];
  /** The folder the outputs go to: the only place the run may write. */
  workDir?: string;
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
  const read = assertRestrictedInputs(options.args);
  assertOutputsInside(options.args, read, options.workDir);
  const paths: SandboxPaths = { read, write: options.workDir ? [options.workDir] : [] };
  const started = Date.now();
  return new Promise<RunResult>((resolve, reject) => {
    if (options.signal?.aborted) return reject(new FfmpegCancelledError());
    const tied = spawnTied(ffmpegBinary(), [...GLOBAL_ARGS, ...options.args], { paths, nice: options.nice });
    const { child } = tied;
    let stderr = "";
    let settled = false;
    let killedFor: "cancel" | "timeout" | null = null;
    const parser = new ProgressParser(options.durationSeconds);

    const kill = (why: "cancel" | "timeout") => {
      if (killedFor || child.exitCode !== null) return;
      killedFor = why;
      tied.kill();
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
      // ffmpeg 5.1 exits 0 when it cannot finish the output file (e.g. moov_size too small).
      if (code === 0 && !/Error writing trailer/i.test(stderr)) return finish(null);
      // The message may become a video's failure reason: it names no path (its own or any other).
      const last = withoutPaths(stderr.trim().split("\n").slice(-3).join(" | "));
      finish(new FfmpegError(`ffmpeg failed (${signal ?? `exit ${code}`})${last ? `: ${last}` : ""}`, code, stderr));
    });
  });
}

/**
 * Refuses a command with an input not opened by `inputFile` (a restrictive protocol whitelist,
 * a format whitelist and a forced demuxer Reel accepts); lavfi sources, which Reel's own code
 * generates and never takes from a user, excepted. Returns the paths the inputs read: the files,
 * and for Reel's own HLS the rendition's folder (its segments sit beside the playlist).
 */
/**
 * Refuses a run that names a file outside its work folder other than its inputs: in the sandbox only
 * the work folder is writable, and an output anywhere else would be lost without an error (a path
 * under /tmp lands in the sandbox's private /tmp).
 */
export function assertOutputsInside(args: string[], inputs: string[], workDir: string | undefined) {
  const within = workDir && path.resolve(workDir) + path.sep;
  for (const arg of args) {
    const file = arg.startsWith("file:/") ? arg.slice("file:".length) : arg.startsWith("/") ? arg : null;
    // Devices (a VAAPI render node) are bound by the sandbox itself.
    if (file === null || file.startsWith("/dev/") || inputs.some((input) => file === input || file.startsWith(input + path.sep))) continue;
    if (!within || !path.resolve(file).startsWith(within)) throw new Error(`ffmpeg output ${file} is not inside the run's workDir (${workDir ?? "none given"})`);
  }
}

export function assertRestrictedInputs(args: string[]): string[] {
  const read: string[] = [];
  let protocols: string | null = null;
  let formats: string | null = null;
  let format: string | null = null;
  const accepted = [...SOURCE_DEMUXERS, OWN_HLS_DEMUXER];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "-protocol_whitelist") protocols = args[++i];
    else if (arg === "-format_whitelist") formats = args[++i];
    else if (arg === "-f") format = args[++i];
    else if (arg === "-i") {
      const input = args[++i];
      if (format !== "lavfi") {
        const restricted =
          protocols !== null &&
          protocols.split(",").every((p) => PROTOCOL_WHITELIST.split(",").includes(p)) &&
          format !== null &&
          formats !== null &&
          formats.split(",").includes(format) &&
          formats.split(",").every((f) => accepted.includes(f)) &&
          input.startsWith("file:/");
        if (!restricted) throw new Error(`ffmpeg input ${input} is not opened with a restrictive -protocol_whitelist, -format_whitelist and a forced -f`);
        const file = input.slice("file:".length);
        read.push(format === OWN_HLS_DEMUXER ? path.dirname(file) : file);
      }
      protocols = formats = format = null;
    }
  }
  return read;
}
