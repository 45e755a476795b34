/**
 * Where to send someone after signing in: a path on this site only (never `//host` or `/\host`,
 * which browsers treat as another origin), and never back to the sign-in pages themselves.
 */
export function safeReturnPath(raw: unknown, fallback = "/"): string {
  if (typeof raw !== "string" || !raw.startsWith("/") || raw.startsWith("//") || raw.startsWith("/\\")) return fallback;
  if (/[\u0000-\u001f]/.test(raw)) return fallback;
  const path = raw.split(/[?#]/)[0];
  if (["/login", "/setup"].includes(path) || path.startsWith("/invite/") || path.startsWith("/api/")) return fallback;
  return raw;
}
