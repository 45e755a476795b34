/** ffmpeg/ffprobe exited with an error; `stderr` holds the end of what it said. */
export class FfmpegError extends Error {
  constructor(
    message: string,
    readonly exitCode: number | null,
    readonly stderr: string,
  ) {
    super(message);
    this.name = "FfmpegError";
  }
}

/** The run was cancelled by its caller; the process was killed. */
export class FfmpegCancelledError extends Error {
  constructor(message = "cancelled") {
    super(message);
    this.name = "FfmpegCancelledError";
  }
}

/** The run exceeded its time limit (relative to the media duration) and was killed. */
export class FfmpegTimeoutError extends FfmpegError {
  constructor(limitSeconds: number, stderr: string) {
    super(`ffmpeg took longer than its ${Math.round(limitSeconds)} s limit`, null, stderr);
    this.name = "FfmpegTimeoutError";
  }
}

export function isCancelled(error: unknown): boolean {
  return error instanceof FfmpegCancelledError || (error instanceof Error && error.name === "AbortError");
}

/**
 * ffmpeg's words with every file path taken out: what it says may become a video's failure
 * reason, which must not show where Reel keeps files, nor whether some other path exists.
 */
export function withoutPaths(text: string): string {
  return text
    .replace(/(['"])(?:file:)?\/[^'"]*\1/g, "$1…$1")
    .replace(/(?<=^|[\s(\[=])(?:file:)?\/[^\n]*?(?=: |\s\||$)/gm, "…");
}
