import fs from "node:fs/promises";
import path from "node:path";
import { scanTopLevelBoxes } from "@/lib/ffmpeg/mp4-boxes";
import { AUDIO_GROUP } from "@/lib/ffmpeg/commands";
import type { LadderPlan } from "./ladder";
import { codecsByUri, masterPlaylist, measureBandwidth, parseMediaPlaylist, replaceMapUri, type MasterAudio, type MasterVariant } from "./playlists";

export type HlsRendition = { name: string; width: number; height: number; bandwidth: number; averageBandwidth: number; codecs: string; segments: number };

/**
 * Tidies what ffmpeg's HLS muxer wrote in `outDir` into Reel's layout and writes the master
 * playlist Reel serves: `v<name>/init.mp4` (ffmpeg names them init_<i>.mp4), and a master with
 * measured BANDWIDTH/AVERAGE-BANDWIDTH, RESOLUTION, CODECS and FRAME-RATE for every rung.
 * Alternate audio renditions move from ffmpeg's `va<n>/` to `a<n>/` and are listed as
 * `EXT-X-MEDIA` entries of one group, which every rung names.
 */
export async function finalizeHlsOutput(outDir: string, plan: LadderPlan): Promise<HlsRendition[]> {
  const ffmpegMaster = await fs.readFile(path.join(outDir, "master.m3u8"), "utf8");
  const codecs = codecsByUri(ffmpegMaster);
  const renditions: HlsRendition[] = [];
  const variants: MasterVariant[] = [];

  let audioPeak = 0;
  let audioAverage = 0;
  const audio: MasterAudio[] = [];
  for (const track of plan.alternateAudio) {
    const dir = path.join(outDir, track.folder);
    await fs.rename(path.join(outDir, `v${track.folder}`), dir);
    const measured = await tidyRendition(dir, `audio ${track.folder}`);
    audioPeak = Math.max(audioPeak, measured.bandwidth);
    audioAverage = Math.max(audioAverage, measured.averageBandwidth);
    audio.push({ uri: `${track.folder}/index.m3u8`, group: AUDIO_GROUP, name: track.name, ...(track.language && { language: track.language }), default: track.default });
  }

  for (const rung of plan.rungs) {
    const uri = `v${rung.name}/index.m3u8`;
    const measured = await tidyRendition(path.join(outDir, `v${rung.name}`), `rung ${rung.name}`);
    const bandwidth = measured.bandwidth + audioPeak;
    const averageBandwidth = measured.averageBandwidth + audioAverage;
    const codec = codecs.get(uri) ?? (plan.hasAudio ? "avc1.640028,mp4a.40.2" : "avc1.640028");
    variants.push({ uri, bandwidth, averageBandwidth, width: rung.width, height: rung.height, codecs: codec, frameRate: plan.fps });
    renditions.push({ name: rung.name, width: rung.width, height: rung.height, bandwidth: Math.round(bandwidth), averageBandwidth: Math.round(averageBandwidth), codecs: codec, segments: measured.segments });
  }
  await fs.writeFile(path.join(outDir, "master.m3u8"), masterPlaylist(variants, audio));
  return renditions;
}

/** One rendition's folder: its init file renamed to `init.mp4`, every file checked complete, its bit rates measured. */
async function tidyRendition(dir: string, label: string) {
  const playlistPath = path.join(dir, "index.m3u8");
  const playlist = parseMediaPlaylist(await fs.readFile(playlistPath, "utf8"));
  if (!playlist.mapUri || playlist.segments.length === 0) throw new Error(`${label} has no segments`);
  if (playlist.mapUri !== "init.mp4") {
    await fs.rename(path.join(dir, playlist.mapUri), path.join(dir, "init.mp4"));
    await fs.writeFile(playlistPath, replaceMapUri(await fs.readFile(playlistPath, "utf8"), "init.mp4"));
  }
  const initBytes = await completeFileSize(dir, "init.mp4", "moov", label);
  const segments = await Promise.all(playlist.segments.map(async (s) => ({ duration: s.duration, bytes: await completeFileSize(dir, s.uri, "mdat", label) })));
  return { ...measureBandwidth(segments, initBytes), segments: segments.length };
}

/**
 * The size of an init file (with its moov) or a segment (with its mdat) whose MP4 boxes fill it
 * exactly. ffmpeg's HLS muxer lists a segment in the playlist even when writing it failed (a full
 * disk: exit 0, no message), so a missing, empty or cut file must fail the ladder, not be published.
 */
async function completeFileSize(dir: string, name: string, mustHold: "moov" | "mdat", label: string): Promise<number> {
  const scan = await scanTopLevelBoxes(path.join(dir, name)).catch(() => null);
  if (!scan || scan.truncated || !scan.boxes.some((b) => b.type === mustHold)) throw new Error(`${label}: ${name} is missing or incomplete`);
  const last = scan.boxes.at(-1)!;
  return last.offset + last.size;
}
