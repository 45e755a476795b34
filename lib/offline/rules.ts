import type { OfflineQuality } from "./types";

/** A path inside a video's folder, or null when it could leave it (dot segments, a scheme, a leading slash). */
export function safeRel(rel: string): string | null {
  if (!rel || rel.includes("://") || rel.startsWith("/") || rel.includes("\\")) return null;
  const parts = rel.split("/");
  if (parts.some((p) => p === "" || p === "." || p === "..")) return null;
  return rel;
}

/** The master playlist with the one variant a download keeps, so hls.js offline never asks for another rung. */
export function masterForRung(master: string, uri: string): string | null {
  const lines = master.replace(/\r\n?/g, "\n").split("\n");
  const out: string[] = [];
  let found = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line.startsWith("#EXT-X-STREAM-INF:")) {
      if (lines[i + 1]?.trim() === uri) {
        out.push(line, uri);
        found = true;
      }
      i++;
      continue;
    }
    if (line) out.push(line);
  }
  return found ? `${out.join("\n")}\n` : null;
}

/** The default choice: the highest rung not taller than the screen (in device pixels), else the lowest there is. */
export function defaultQuality(qualities: readonly OfflineQuality[], screenHeightPx: number): OfflineQuality | null {
  const sorted = [...qualities].sort((a, b) => b.height - a.height);
  return sorted.find((q) => q.height <= screenHeightPx) ?? sorted.at(-1) ?? null;
}

/** Whether `bytes` more fit, from navigator.storage.estimate(); a little headroom for the records themselves. */
export function fitsQuota(estimate: { usage?: number; quota?: number }, bytes: number): boolean {
  if (estimate.quota === undefined) return true;
  return (estimate.usage ?? 0) + bytes + 64 * 1024 <= estimate.quota;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KB", "MB", "GB", "TB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value >= 100 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}
