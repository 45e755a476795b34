import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { paths } from "../lib/env";

/**
 * Test media generated with lavfi (tiny, a few seconds): every media test builds what it needs
 * here instead of shipping binary fixtures.
 */
export function mediaDir(): string {
  // Inside the run's data folder, which the global setup removes at the end.
  const dir = path.join(paths.data, "test-media");
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

export type SourceOptions = {
  width?: number;
  height?: number;
  fps?: number;
  seconds?: number;
  audio?: boolean;
  video?: boolean;
  /** Extra output arguments (codecs, metadata...). Default: H.264 + AAC in MP4. */
  codecArgs?: string[];
  /** Add a text subtitle track (mov_text in MP4, subrip in MKV). */
  subtitles?: boolean;
  /** Audio streams instead of the one 440 Hz tone: each its own tone, language and title tags, the first default. */
  audioTracks?: { frequency: number; language?: string; title?: string }[];
  /** A chapter list (start and end in seconds), written as the container's chapters. */
  chapters?: { start: number; end: number; title: string }[];
  name: string;
};

export function makeSource(options: SourceOptions): string {
  const { width = 320, height = 240, fps = 25, seconds = 4, audio = true, video = true, name } = options;
  const out = path.join(mediaDir(), name);
  const args = ["-hide_banner", "-loglevel", "error", "-y"];
  const maps: string[] = [];
  let n = 0;
  if (video) {
    args.push("-f", "lavfi", "-i", `testsrc2=size=${width}x${height}:rate=${fps}:duration=${seconds}`);
    maps.push("-map", `${n++}:v`);
  }
  const tones = options.audioTracks ?? (audio ? [{ frequency: 440 }] : []);
  tones.forEach((tone, i) => {
    args.push("-f", "lavfi", "-i", `sine=frequency=${tone.frequency}:sample_rate=48000:duration=${seconds}`);
    maps.push("-map", `${n++}:a`);
    if (tone.language) maps.push(`-metadata:s:a:${i}`, `language=${tone.language}`);
    if (tone.title) maps.push(`-metadata:s:a:${i}`, `title=${tone.title}`);
    if (options.audioTracks) maps.push(`-disposition:a:${i}`, i === 0 ? "default" : "0");
  });
  if (options.chapters) {
    const metadata = path.join(mediaDir(), `${name}.chapters.txt`);
    const blocks = options.chapters.map((c) => `[CHAPTER]\nTIMEBASE=1/1000\nSTART=${Math.round(c.start * 1000)}\nEND=${Math.round(c.end * 1000)}\ntitle=${c.title}\n`);
    fs.writeFileSync(metadata, `;FFMETADATA1\n${blocks.join("")}`);
    args.push("-f", "ffmetadata", "-i", metadata);
    maps.push("-map_chapters", String(n++));
  }
  if (options.subtitles) {
    const srt = path.join(mediaDir(), `${name}.srt`);
    fs.writeFileSync(srt, "1\n00:00:00,500 --> 00:00:02,000\nHello <i>there</i>\n\n2\n00:00:02,500 --> 00:00:03,500\nSecond line\n");
    args.push("-i", srt);
    maps.push("-map", `${n++}:s`, "-metadata:s:s:0", "language=fra", "-metadata:s:s:0", "title=Français");
  }
  const codecs = options.codecArgs ?? [
    ...(video ? ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"] : []),
    ...(tones.length ? ["-c:a", "aac", "-b:a", "96k"] : []),
    ...(options.subtitles ? ["-c:s", name.endsWith(".mkv") ? "srt" : "mov_text"] : []),
  ];
  execFileSync("ffmpeg", [...args, ...maps, ...codecs, out]);
  return out;
}

/** Rewrites the movie header's duration of an MP4 (mvhd, version 0) to claim `seconds`. */
export function claimMp4Duration(file: string, seconds: number): void {
  const buf = fs.readFileSync(file);
  const at = buf.indexOf("mvhd", 0, "latin1");
  if (at < 0 || buf[at + 4] !== 0) throw new Error("no version-0 mvhd box");
  const timescale = buf.readUInt32BE(at + 4 + 4 + 8);
  buf.writeUInt32BE(Math.min(0xffffffff, Math.round(seconds * timescale)), at + 4 + 4 + 12);
  fs.writeFileSync(file, buf);
}

export function ffprobeJson(file: string, extra: string[] = []): { streams: Record<string, unknown>[]; format: Record<string, unknown>; packets?: Record<string, unknown>[]; frames?: Record<string, unknown>[] } {
  const out = execFileSync("ffprobe", ["-v", "error", "-of", "json", "-show_format", "-show_streams", ...extra, file], { maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(out.toString());
}
