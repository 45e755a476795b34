/**
 * Progress of an ffmpeg run, parsed from `-progress pipe:1`: blocks of `key=value` lines, each
 * ending with `progress=continue` (or `progress=end` at the very end).
 */
export type FfmpegProgress = {
  /** Seconds of output written so far. */
  outTimeSeconds: number;
  /** Frames written so far (video outputs). */
  frame?: number;
  /** 0–100 when the media duration is known. */
  percent?: number;
  fps?: number;
  /** Multiple of real time, e.g. 1.8 means 1.8 s of media per second. */
  speed?: number;
  etaSeconds?: number;
  done: boolean;
};

export class ProgressParser {
  private buffer = "";
  private block: Record<string, string> = {};

  /** `durationSeconds` turns out_time into a percent and an ETA. */
  constructor(private readonly durationSeconds?: number) {}

  /** Feeds a chunk of stdout; returns the progress of every block it completed. */
  push(chunk: string): FfmpegProgress[] {
    this.buffer += chunk;
    const lines = this.buffer.split("\n");
    this.buffer = lines.pop() ?? "";
    const out: FfmpegProgress[] = [];
    for (const raw of lines) {
      const line = raw.trim();
      const eq = line.indexOf("=");
      if (eq <= 0) continue;
      const key = line.slice(0, eq);
      const value = line.slice(eq + 1).trim();
      this.block[key] = value;
      if (key === "progress") {
        out.push(this.summarise(value === "end"));
        this.block = {};
      }
    }
    return out;
  }

  private summarise(done: boolean): FfmpegProgress {
    const b = this.block;
    // out_time_us is microseconds; out_time_ms is ALSO microseconds in ffmpeg (a long-standing
    // naming bug); out_time is HH:MM:SS.micro. Take whichever is present and sane.
    let outTimeSeconds = numberOr(b.out_time_us, NaN) / 1e6;
    if (!Number.isFinite(outTimeSeconds)) outTimeSeconds = numberOr(b.out_time_ms, NaN) / 1e6;
    if (!Number.isFinite(outTimeSeconds)) outTimeSeconds = clockToSeconds(b.out_time);
    if (!Number.isFinite(outTimeSeconds) || outTimeSeconds < 0) outTimeSeconds = 0;

    const fps = positive(numberOr(b.fps, NaN));
    const speed = positive(numberOr(b.speed?.replace(/x$/, ""), NaN));
    const frame = numberOr(b.frame, NaN);
    const progress: FfmpegProgress = { outTimeSeconds, done, ...(Number.isFinite(frame) && { frame }), ...(fps !== undefined && { fps }), ...(speed !== undefined && { speed }) };
    const duration = this.durationSeconds;
    if (duration && duration > 0) {
      progress.percent = done ? 100 : Math.min(99.9, Math.round((outTimeSeconds / duration) * 1000) / 10);
      if (done) progress.etaSeconds = 0;
      else if (speed) progress.etaSeconds = Math.max(0, Math.round((duration - outTimeSeconds) / speed));
    }
    return progress;
  }
}

function numberOr(value: string | undefined, fallback: number): number {
  if (value === undefined || value === "" || value === "N/A") return fallback;
  const n = Number(value);
  return Number.isFinite(n) ? n : fallback;
}

function positive(n: number): number | undefined {
  return Number.isFinite(n) && n > 0 ? Math.round(n * 100) / 100 : undefined;
}

function clockToSeconds(value: string | undefined): number {
  const m = value ? /^(-?\d+):(\d{2}):(\d{2}(?:\.\d+)?)$/.exec(value) : null;
  return m ? Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]) : NaN;
}
