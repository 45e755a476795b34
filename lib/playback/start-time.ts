/**
 * The `?t=` of a watch link: "83", "83s", "1m23s", "1h2m3s" (YouTube's forms) or "1:23" / "1:02:03".
 * Null for anything else, so a hostile or mistyped value starts where the page would have started anyway.
 */
const MAX_START_SECONDS = 864_000;

export function parseStartTime(value: string | undefined | null): number | null {
  if (!value || value.length > 16) return null;
  const v = value.trim().toLowerCase();
  let seconds: number | null = null;
  if (/^\d+(\.\d+)?$/.test(v)) seconds = Number(v);
  else if (/^\d+(:\d{1,2}){1,2}$/.test(v)) {
    const parts = v.split(":").map(Number);
    if (parts.slice(1).some((p) => p >= 60)) return null;
    seconds = parts.reduce((total, p) => total * 60 + p, 0);
  } else {
    const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(v);
    if (m && (m[1] || m[2] || m[3])) seconds = Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
  }
  return seconds !== null && Number.isFinite(seconds) && seconds <= MAX_START_SECONDS ? seconds : null;
}

/** Whole seconds as a share link writes them: 83 → "1m23s", 3723 → "1h2m3s", 9 → "9s". */
export function formatStartTime(seconds: number): string {
  const total = Math.max(0, Math.floor(seconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return `${h ? `${h}h` : ""}${h || m ? `${m}m` : ""}${s}s`;
}
