import { env } from "@/lib/env";

/**
 * The one place that decides whether the X-Forwarded-For, -Host and -Proto headers are believed. Anyone can
 * write them, so they count only when REEL_TRUST_PROXY says that many proxies stand in front of Reel; then the
 * entry the outermost trusted proxy wrote is the Nth from the right, since every hop appends (a proxy that
 * overwrites leaves one entry). Without trusted proxies, null: what the connection itself says is all there is.
 */
/** What `forwarded` reads headers from: a Fetch `Headers`, or an adapter over a Node request's. */
export type HeaderSource = { get(name: string): string | null };

export function forwarded(headers: HeaderSource, name: "for" | "host" | "proto", trustedProxies: number = env.REEL_TRUST_PROXY): string | null {
  if (trustedProxies <= 0) return null;
  const hops = (headers.get(`x-forwarded-${name}`) ?? "")
    .split(",")
    .map((h) => h.trim())
    .filter(Boolean);
  return hops.length === 0 ? null : hops[Math.max(0, hops.length - trustedProxies)];
}

/** The host the client asked for: the forwarded one behind trusted proxies, else the Host header. */
export function requestHost(headers: HeaderSource, trustedProxies: number = env.REEL_TRUST_PROXY): string | null {
  return forwarded(headers, "host", trustedProxies) ?? headers.get("host");
}

/** The scheme the client used: https only when a trusted proxy says so (Reel's own server speaks plain HTTP). */
export function requestProtocol(headers: HeaderSource, trustedProxies: number = env.REEL_TRUST_PROXY): "https" | "http" {
  return forwarded(headers, "proto", trustedProxies)?.toLowerCase() === "https" ? "https" : "http";
}
