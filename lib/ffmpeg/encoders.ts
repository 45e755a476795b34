import fs from "node:fs";
import { childLogger } from "@/lib/log";
import { FfmpegError, isCancelled } from "./errors";
import { runFfmpeg } from "./run";

const log = childLogger("ffmpeg");

export type HwKind = "nvenc" | "vaapi" | "qsv";
export type EncoderKind = "cpu" | HwKind;
export type HwPreference = "auto" | "none" | HwKind;

/**
 * How to drive one H.264 encoder. All video outputs of a run share it; only bitrates differ
 * per output stream.
 */
export type VideoEncoder = {
  kind: EncoderKind;
  codec: string;
  /** Before the inputs: hardware device set-up. */
  globalArgs: string[];
  /** Last filters of every video branch: pixel format, and upload to the device for VAAPI/QSV. */
  outputFilter: string;
  /** Encoder settings shared by every video output (preset, profile, rate control mode). */
  codecArgs: string[];
  /** Options that keep the GOP fixed: no scene-cut keyframes, so every rung cuts at the same instants. */
  fixedGopArgs: string[];
};

export const CPU_ENCODER: VideoEncoder = {
  kind: "cpu",
  codec: "libx264",
  globalArgs: [],
  outputFilter: "format=yuv420p",
  // veryfast: the best speed/quality trade measured on 2 cores (a 60 s 1080p30 ladder in one run: 31.9 s).
  // Threads stay at the default: `-threads 1` took 54 s for the same ladder.
  codecArgs: ["-preset", "veryfast", "-profile:v", "high"],
  fixedGopArgs: ["-sc_threshold", "0"],
};

function renderNode(): string | null {
  try {
    const node = fs.readdirSync("/dev/dri").find((n) => n.startsWith("renderD"));
    return node ? `/dev/dri/${node}` : null;
  } catch {
    return null;
  }
}

export function hardwareEncoder(kind: HwKind): VideoEncoder {
  switch (kind) {
    case "nvenc":
      return {
        kind,
        codec: "h264_nvenc",
        globalArgs: [],
        outputFilter: "format=yuv420p",
        codecArgs: ["-preset", "p4", "-profile:v", "high", "-rc", "vbr"],
        fixedGopArgs: ["-no-scenecut", "1", "-forced-idr", "1", "-strict_gop", "1"],
      };
    case "vaapi":
      return {
        kind,
        codec: "h264_vaapi",
        globalArgs: ["-vaapi_device", renderNode() ?? "/dev/dri/renderD128"],
        outputFilter: "format=nv12,hwupload",
        codecArgs: ["-profile:v", "high"],
        fixedGopArgs: [],
      };
    case "qsv":
      return {
        kind,
        codec: "h264_qsv",
        globalArgs: ["-init_hw_device", "qsv=hw", "-filter_hw_device", "hw"],
        outputFilter: "format=nv12,hwupload=extra_hw_frames=64",
        codecArgs: ["-preset", "veryfast", "-profile:v", "high"],
        fixedGopArgs: ["-idr_interval", "0"],
      };
  }
}

export type EncoderChoice = {
  encoder: VideoEncoder;
  /** What was tried and why it was not used, for the worker's capabilities and the logs. */
  tried: { kind: HwKind; ok: boolean; error?: string }[];
};

/**
 * Encodes ONE frame with a hardware encoder: the only reliable test (an encoder listed by
 * `ffmpeg -encoders` may still lack a driver, a device or a licence slot).
 */
export async function testEncoder(encoder: VideoEncoder): Promise<{ ok: boolean; error?: string }> {
  try {
    await runFfmpeg({
      args: [
        ...encoder.globalArgs,
        ...["-f", "lavfi", "-i", "color=c=black:s=256x144:r=25:d=1"],
        ...["-vf", encoder.outputFilter, "-frames:v", "1", "-c:v", encoder.codec, ...encoder.codecArgs, "-f", "null", "-"],
      ],
      timeLimitSeconds: 20,
    });
    return { ok: true };
  } catch (error) {
    const message = error instanceof FfmpegError ? error.message : String(error);
    return { ok: false, error: message.slice(0, 300) };
  }
}

const AUTO_ORDER: HwKind[] = ["nvenc", "vaapi", "qsv"];

/**
 * Picks the H.264 encoder for `REEL_HWACCEL`: `none` → CPU; a named kind → that one if its test
 * encode works, else CPU; `auto` → the first hardware encoder whose test encode works, else CPU.
 */
export async function detectEncoder(preference: HwPreference): Promise<EncoderChoice> {
  if (preference === "none") return { encoder: CPU_ENCODER, tried: [] };
  const candidates = preference === "auto" ? AUTO_ORDER : [preference];
  const tried: EncoderChoice["tried"] = [];
  for (const kind of candidates) {
    const encoder = hardwareEncoder(kind);
    const result = await testEncoder(encoder);
    tried.push({ kind, ...result });
    if (result.ok) return { encoder, tried };
  }
  if (preference !== "auto") log.warn({ tried }, `hardware encoder ${preference} is not usable here: encoding on the CPU`);
  return { encoder: CPU_ENCODER, tried };
}

const globalForEncoder = globalThis as unknown as { reelEncoder?: Map<HwPreference, Promise<EncoderChoice>> };

/** `detectEncoder`, once per process and preference. */
export function chosenEncoder(preference: HwPreference): Promise<EncoderChoice> {
  const cache = (globalForEncoder.reelEncoder ??= new Map());
  let choice = cache.get(preference);
  if (!choice) {
    choice = detectEncoder(preference);
    cache.set(preference, choice);
  }
  return choice;
}

/**
 * Runs an encode with the chosen encoder; when a hardware encoder fails part-way (driver reset,
 * out of sessions, unsupported input), runs it again on the CPU. Cancellation is not retried.
 */
export async function withCpuFallback<T>(encoder: VideoEncoder, run: (encoder: VideoEncoder) => Promise<T>, onFallback?: (error: unknown) => void | Promise<void>): Promise<T & { encoder: EncoderKind }> {
  try {
    return { ...(await run(encoder)), encoder: encoder.kind };
  } catch (error) {
    if (encoder.kind === "cpu" || isCancelled(error) || !(error instanceof FfmpegError)) throw error;
    log.warn({ err: error, encoder: encoder.kind }, "hardware encode failed: retrying on the CPU");
    await onFallback?.(error);
    return { ...(await run(CPU_ENCODER)), encoder: "cpu" };
  }
}
