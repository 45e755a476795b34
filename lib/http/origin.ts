import { env } from "@/lib/env";
import { requestHost, requestProtocol } from "./forwarded";

/**
 * The origin people reach Reel at, for links shown to them (invites): REEL_PUBLIC_URL when set,
 * else what the request says (X-Forwarded-* only from trusted proxies: ./forwarded.ts).
 */
export function publicOrigin(headers: Headers, trustedProxies: number = env.REEL_TRUST_PROXY): string {
  if (env.REEL_PUBLIC_URL) return new URL(env.REEL_PUBLIC_URL).origin;
  return `${requestProtocol(headers, trustedProxies)}://${requestHost(headers, trustedProxies) ?? "localhost"}`;
}
