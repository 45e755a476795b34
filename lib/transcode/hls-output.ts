import fs from "node:fs/promises";
import path from "node:path";
import { scanTopLevelBoxes } from "@/lib/ffmpeg/mp4-boxes";
import type { LadderPlan } from "./ladder";
import { codecsByUri, masterPlaylist, measureBandwidth, parseMediaPlaylist, replaceMapUri, type MasterVariant } from "./playlists";

export type HlsRendition = { name: string; width: number; height: number; bandwidth: number; averageBandwidth: number; codecs: string; segments: number };

/**
 * Tidies what ffmpeg's HLS muxer wrote in `outDir` into Reel's layout and writes the master
 * playlist Reel serves: `v<name>/init.mp4` (ffmpeg names them init_<i>.mp4), and a master with
 * measured BANDWIDTH/AVERAGE-BANDWIDTH, RESOLUTION, CODECS and FRAME-RATE for every rung.
 */
export async function finalizeHlsOutput(outDir: string, plan: LadderPlan): Promise<HlsRendition[]> {
  const ffmpegMaster = await fs.readFile(path.join(outDir, "master.m3u8"), "utf8");
  const codecs = codecsByUri(ffmpegMaster);
  const renditions: HlsRendition[] = [];
  const variants: MasterVariant[] = [];

  for (const rung of plan.rungs) {
    const dir = path.join(outDir, `v${rung.name}`);
    const uri = `v${rung.name}/index.m3u8`;
    const playlistPath = path.join(dir, "index.m3u8");
    const playlist = parseMediaPlaylist(await fs.readFile(playlistPath, "utf8"));
    if (!playlist.mapUri || playlist.segments.length === 0) throw new Error(`rung ${rung.name} has no segments`);
    if (playlist.mapUri !== "init.mp4") {
      await fs.rename(path.join(dir, playlist.mapUri), path.join(dir, "init.mp4"));
      await fs.writeFile(playlistPath, replaceMapUri(await fs.readFile(playlistPath, "utf8"), "init.mp4"));
    }
    const initBytes = await completeFileSize(dir, "init.mp4", "moov", rung.name);
    const segments = await Promise.all(playlist.segments.map(async (s) => ({ duration: s.duration, bytes: await completeFileSize(dir, s.uri, "mdat", rung.name) })));
    const { bandwidth, averageBandwidth } = measureBandwidth(segments, initBytes);
    const codec = codecs.get(uri) ?? (plan.hasAudio ? "avc1.640028,mp4a.40.2" : "avc1.640028");
    variants.push({ uri, bandwidth, averageBandwidth, width: rung.width, height: rung.height, codecs: codec, frameRate: plan.fps });
    renditions.push({ name: rung.name, width: rung.width, height: rung.height, bandwidth: Math.round(bandwidth), averageBandwidth: Math.round(averageBandwidth), codecs: codec, segments: segments.length });
  }
  await fs.writeFile(path.join(outDir, "master.m3u8"), masterPlaylist(variants));
  return renditions;
}

/**
 * The size of an init file (with its moov) or a segment (with its mdat) whose MP4 boxes fill it
 * exactly. ffmpeg's HLS muxer lists a segment in the playlist even when writing it failed (a full
 * disk: exit 0, no message), so a missing, empty or cut file must fail the ladder, not be published.
 */
async function completeFileSize(dir: string, name: string, mustHold: "moov" | "mdat", rung: string): Promise<number> {
  const scan = await scanTopLevelBoxes(path.join(dir, name)).catch(() => null);
  if (!scan || scan.truncated || !scan.boxes.some((b) => b.type === mustHold)) throw new Error(`rung ${rung}: ${name} is missing or incomplete`);
  const last = scan.boxes.at(-1)!;
  return last.offset + last.size;
}
