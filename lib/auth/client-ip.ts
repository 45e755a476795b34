import type { IncomingMessage } from "node:http";
import ipaddr from "ipaddr.js";
import { env } from "@/lib/env";
import { forwarded, type HeaderSource } from "@/lib/http/forwarded";

/**
 * Next's route handlers and server actions never see the socket, so Reel's web server copies the
 * socket address into this header (overwriting whatever the client sent) before handing the request on.
 */
export const CLIENT_IP_HEADER = "x-reel-client-ip";

/** Called by the Node server in front of Next for every request, before anything reads the headers. */
export function stampClientIp(request: IncomingMessage) {
  request.headers[CLIENT_IP_HEADER] = request.socket.remoteAddress ?? "";
}

/**
 * The caller's address as a rate-limit key, or null when it cannot be known.
 * With `trustedProxies` > 0 the address is the X-Forwarded-For entry that the outermost trusted proxy
 * appended (lib/http/forwarded.ts); otherwise the socket address stamped above.
 * IPv6 addresses are reduced to their /64, the block one host usually holds.
 */
export function clientIp(headers: HeaderSource, trustedProxies: number = env.REEL_TRUST_PROXY): string | null {
  if (trustedProxies > 0) return normalizeIp(forwarded(headers, "for", trustedProxies) ?? "");
  return normalizeIp(headers.get(CLIENT_IP_HEADER) ?? "");
}

export function normalizeIp(raw: string): string | null {
  const value = raw.replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  if (!ipaddr.isValid(value)) return null;
  const address = ipaddr.process(value);
  if (address.kind() === "ipv4") return address.toString();
  const parts = (address as ipaddr.IPv6).toNormalizedString().split(":").slice(0, 4);
  return `${parts.map((p) => p.replace(/^0+(?=.)/, "")).join(":")}::/64`;
}
