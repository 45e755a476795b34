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

/**
 * What the server says of this browser's session (GET /api/session): whose it is, nobody's (Reel's own 401), or
 * nothing usable. Only Reel's answers count: a 401 or a login page from something in front of it (a proxy's password
 * prompt, a captive portal on a train) says nothing about the account, and must never cost anyone their downloads.
 */
export type SessionAnswer = { userId: string | null } | "unknown";

export function readSessionAnswer(status: number, body: unknown): SessionAnswer {
  const json = (body ?? {}) as { userId?: unknown; error?: { code?: unknown } };
  if (status === 200 && typeof json.userId === "string") return { userId: json.userId };
  if (status === 401 && json.error?.code === "unauthorized") return { userId: null };
  return "unknown";
}

/**
 * Whose offline data this device holds (downloads, queued reports, offline copies of pages): an account's id, a
 * guest's (null), or not recorded yet (undefined: a new device, or one whose data was just forgotten).
 */
export type OfflineOwner = string | null | undefined;

/**
 * What to do with this device's offline data once the server has answered: keep it; adopt it (record whose it is,
 * nothing to remove); or clear it, as signing out here does, because the account it belongs to is no longer the one
 * signed in (signed out elsewhere, a new password, disabled, expired, or someone else signed in on this browser).
 * Without a network, or without an answer, nothing changes: downloads must play on the train.
 * A guest who signs in keeps the public videos they saved (their queued reports are never sent under the account:
 * public/sw.js sends a report only under the session it was made in).
 */
export function offlineDataVerdict({ online, owner, answer }: { online: boolean; owner: OfflineOwner; answer: SessionAnswer }): "keep" | "adopt" | "clear" {
  if (!online || answer === "unknown" || owner === answer.userId) return "keep";
  if (owner === undefined || owner === null) return "adopt";
  return "clear";
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
