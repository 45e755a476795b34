/** HLS playlist reading and writing (RFC 8216). Pure. */

export type MediaPlaylist = { mapUri?: string; segments: { uri: string; duration: number }[]; targetDuration?: number };

export function parseMediaPlaylist(text: string): MediaPlaylist {
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  const out: MediaPlaylist = { segments: [] };
  let pending: number | null = null;
  for (const line of lines) {
    if (line.startsWith("#EXT-X-MAP:")) out.mapUri = /URI="([^"]+)"/.exec(line)?.[1];
    else if (line.startsWith("#EXT-X-TARGETDURATION:")) out.targetDuration = Number(line.split(":")[1]);
    else if (line.startsWith("#EXTINF:")) pending = Number.parseFloat(line.slice(8));
    else if (line && !line.startsWith("#") && pending !== null) {
      out.segments.push({ uri: line, duration: pending });
      pending = null;
    }
  }
  return out;
}

export function replaceMapUri(text: string, uri: string): string {
  return text.replace(/(#EXT-X-MAP:.*URI=")[^"]+(")/, `$1${uri}$2`);
}

/** CODECS of each variant as ffmpeg wrote them into its master playlist, keyed by variant URI. */
export function codecsByUri(master: string): Map<string, string> {
  const result = new Map<string, string>();
  const lines = master.split(/\r?\n/).map((l) => l.trim());
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i].startsWith("#EXT-X-STREAM-INF:")) continue;
    const codecs = /CODECS="([^"]+)"/.exec(lines[i])?.[1];
    const uri = lines.slice(i + 1).find((l) => l && !l.startsWith("#"));
    if (codecs && uri) result.set(uri, codecs);
  }
  return result;
}

export type MasterVariant = {
  uri: string;
  /** Peak segment bit rate, bits/s (what BANDWIDTH means in RFC 8216). */
  bandwidth: number;
  averageBandwidth: number;
  width: number;
  height: number;
  codecs: string;
  frameRate: number;
};

/** An alternate audio rendition (`#EXT-X-MEDIA:TYPE=AUDIO`); name and language already checked (audio-tracks.ts). */
export type MasterAudio = { uri: string; group: string; name: string; language?: string; default: boolean };

/**
 * The master playlist. With `audio`, every variant names its group (`AUDIO="…"`) and its BANDWIDTH counts the
 * most demanding audio rendition too, as RFC 8216 asks of variants whose audio is a separate rendition.
 */
export function masterPlaylist(variants: MasterVariant[], audio: MasterAudio[] = []): string {
  const lines = ["#EXTM3U", "#EXT-X-VERSION:7", "#EXT-X-INDEPENDENT-SEGMENTS"];
  for (const a of audio) {
    const language = a.language ? `,LANGUAGE="${a.language}"` : "";
    lines.push(`#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="${a.group}"${language},NAME="${a.name}",DEFAULT=${a.default ? "YES" : "NO"},AUTOSELECT=YES,URI="${a.uri}"`);
  }
  const group = audio.length ? `,AUDIO="${audio[0].group}"` : "";
  for (const v of variants) {
    lines.push(
      `#EXT-X-STREAM-INF:BANDWIDTH=${Math.round(v.bandwidth)},AVERAGE-BANDWIDTH=${Math.round(v.averageBandwidth)},RESOLUTION=${v.width}x${v.height},CODECS="${v.codecs}",FRAME-RATE=${v.frameRate.toFixed(3)}${group}`,
      v.uri,
    );
  }
  return `${lines.join("\n")}\n`;
}

/**
 * Peak and average bit rates of a variant from its segment sizes: peak over segments (the init
 * segment counted with the first), average over the whole stream.
 */
export function measureBandwidth(segments: { duration: number; bytes: number }[], initBytes: number): { bandwidth: number; averageBandwidth: number } {
  let peak = 0;
  let bytes = initBytes;
  let seconds = 0;
  segments.forEach((s, i) => {
    // A short last segment is mostly its keyframe: measured alone it would overstate the peak.
    const duration = Math.max(s.duration, i === segments.length - 1 && segments.length > 1 ? segments[0].duration : s.duration);
    if (duration > 0) peak = Math.max(peak, ((s.bytes + (i === 0 ? initBytes : 0)) * 8) / duration);
    bytes += s.bytes;
    seconds += s.duration;
  });
  const averageBandwidth = seconds > 0 ? (bytes * 8) / seconds : 0;
  return { bandwidth: Math.max(peak, averageBandwidth), averageBandwidth };
}
