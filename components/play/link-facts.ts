import type { LinkFacts } from "@/lib/proxy/probe";
import { formatTime } from "@/lib/playback/shortcuts";
import { formatBytes } from "@/lib/uploads/format";

/** What the API says of a link (lib/proxy/links.ts linkView), as the browser receives it. */
export type LinkItem = LinkFacts & {
  id: string;
  host: string;
  position: number;
  finished: boolean;
  usedAt: string;
};

const CONTAINERS: Record<string, string> = {
  "video/mp4": "MP4",
  "video/quicktime": "MOV",
  "video/webm": "WebM",
  "video/x-matroska": "MKV",
  "video/mp2t": "MPEG-TS",
};

/** "MP4 file · 12.5 MB · 1:02:03 · 1280×720 · seeking works", in plain words. */
export function describeLink(link: LinkItem): string[] {
  const facts: string[] = [];
  if (link.kind === "hls") facts.push(link.duration === null ? "HLS live stream" : "HLS stream");
  else facts.push(`${CONTAINERS[link.contentType] ?? link.contentType} file`);
  if (link.size !== null) facts.push(formatBytes(link.size));
  if (link.duration !== null) facts.push(formatTime(link.duration));
  if (link.width && link.height) facts.push(`${link.width}×${link.height}`);
  facts.push(link.seekable ? "seeking works" : link.kind === "hls" ? "live: no seeking" : "no seeking (the server does not support ranges)");
  return facts;
}
