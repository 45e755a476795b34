import { createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Socket } from "node:net";
import ipaddr from "ipaddr.js";
import { env } from "@/lib/env";
import { forwarded, type HeaderSource } from "@/lib/http/forwarded";

/**
 * Next's route handlers and server actions never see the socket, so Reel's web server copies the socket address into
 * this header (overwriting whatever the client sent) before handing the request on. The address carries a MAC under
 * AUTH_SECRET: under `next start` alone no server in front overwrites the header, and an address a client wrote
 * itself must not count (it would choose its own rate-limit bucket with every sign-in attempt).
 */
export const CLIENT_IP_HEADER = "x-reel-client-ip";

function addressMac(address: string, secret: string): Buffer {
  return createHmac("sha256", secret).update(`client-ip\0${address}`).digest();
}

/** The header's value for `address`: the address and its MAC (AUTH_SECRET), or the address alone without a secret. */
export function stampedClientIp(address: string, secret = env.AUTH_SECRET): string {
  return secret ? `${address} ${addressMac(address, secret).toString("base64url")}` : address;
}

/** Each connection's stamp: made once, not per request (every media range passes here too). */
const connectionStamps = new WeakMap<Socket, string>();

/** Called by the Node server in front of Next for every request, before anything reads the headers. */
export function stampClientIp(request: IncomingMessage) {
  const { socket } = request;
  let stamp = connectionStamps.get(socket);
  if (stamp === undefined) {
    stamp = stampedClientIp(socket.remoteAddress ?? "");
    connectionStamps.set(socket, stamp);
  }
  request.headers[CLIENT_IP_HEADER] = stamp;
}

/** The address in a value stampedClientIp wrote under `secret`; null for anything else (a client's own, a forgery). */
function stampedAddress(value: string | null, secret: string | undefined): string | null {
  const space = value?.lastIndexOf(" ") ?? -1;
  if (!value || !secret || space < 0) return null;
  const address = value.slice(0, space);
  const given = Buffer.from(value.slice(space + 1), "base64url");
  const expected = addressMac(address, secret);
  return given.length === expected.length && timingSafeEqual(given, expected) ? address : null;
}

/**
 * The caller's address as a rate-limit key, or null when it cannot be known.
 * With `trustedProxies` > 0 the address is the X-Forwarded-For entry that the outermost trusted proxy
 * appended (lib/http/forwarded.ts); otherwise the socket address stamped above, when its MAC is this deployment's.
 * IPv6 addresses are reduced to their /64, the block one host usually holds.
 */
export function clientIp(headers: HeaderSource, trustedProxies: number = env.REEL_TRUST_PROXY, secret = env.AUTH_SECRET): string | null {
  if (trustedProxies > 0) return normalizeIp(forwarded(headers, "for", trustedProxies) ?? "");
  return normalizeIp(stampedAddress(headers.get(CLIENT_IP_HEADER), secret) ?? "");
}

export function normalizeIp(raw: string): string | null {
  const value = raw.replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  if (!ipaddr.isValid(value)) return null;
  const address = ipaddr.process(value);
  if (address.kind() === "ipv4") return address.toString();
  const parts = (address as ipaddr.IPv6).toNormalizedString().split(":").slice(0, 4);
  return `${parts.map((p) => p.replace(/^0+(?=.)/, "")).join(":")}::/64`;
}
