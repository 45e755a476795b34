import { resolveFfmpeg, type ResolvedFfmpeg } from "./locate";

let resolved: ResolvedFfmpeg | undefined;

/** The ffmpeg and ffprobe commands every run uses, resolved once per process (see locate.ts). */
export function ffmpegBinary(): string {
  resolved ??= resolveFfmpeg();
  return resolved.ffmpeg.command;
}

export function ffprobeBinary(): string {
  resolved ??= resolveFfmpeg();
  return resolved.ffprobe.command;
}
