import { env } from "@/lib/env";

/**
 * Where ffmpeg and ffprobe are. `FFMPEG_PATH`/`FFPROBE_PATH` when set, else the ones on PATH
 * (Debian's ffmpeg 5.1 does everything Reel needs; see stack-notes).
 */
export function ffmpegBinary(): string {
  return env.FFMPEG_PATH ?? "ffmpeg";
}

export function ffprobeBinary(): string {
  return env.FFPROBE_PATH ?? "ffprobe";
}
