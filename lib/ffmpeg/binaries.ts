import { resolveFfmpeg, type ResolvedFfmpeg } from "./locate";

/**
 * Where ffmpeg and ffprobe are: resolved once per process by locate.ts (`FFMPEG_PATH`/`FFPROBE_PATH`,
 * else PATH, else an npm-shipped binary), the same answer the worker's self-test checked.
 */
let resolved: ResolvedFfmpeg | undefined;

export function ffmpegBinary(): string {
  return (resolved ??= resolveFfmpeg()).ffmpeg.command;
}

export function ffprobeBinary(): string {
  return (resolved ??= resolveFfmpeg()).ffprobe.command;
}
