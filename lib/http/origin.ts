import { env } from "@/lib/env";

/**
 * The origin people reach Reel at, for links shown to them (invites): REEL_PUBLIC_URL when set,
 * else what the request says (Next fills the x-forwarded-* headers from the socket when no proxy did).
 */
export function publicOrigin(headers: Headers): string {
  if (env.REEL_PUBLIC_URL) return new URL(env.REEL_PUBLIC_URL).origin;
  const first = (v: string | null) => v?.split(",")[0].trim() || null;
  const host = first(headers.get("x-forwarded-host")) ?? first(headers.get("host")) ?? "localhost";
  const proto = first(headers.get("x-forwarded-proto")) === "https" ? "https" : "http";
  return `${proto}://${host}`;
}
