import { createHash, randomBytes } from "node:crypto";

/**
 * Secrets handed to people: API tokens (`reel_…`) and invite links (`reeli_…`). 256 random bits each,
 * so a fast hash (SHA-256) is the right store: nothing to brute-force, and lookups stay indexed.
 * The database only ever holds the hash.
 */
export const TOKEN_PREFIX = "reel_";
export const INVITE_PREFIX = "reeli_";

export function newSecret(prefix: string) {
  const token = prefix + randomBytes(32).toString("base64url");
  return { token, tokenHash: hashToken(token), prefix: token.slice(0, prefix.length + 6) };
}

export function newApiToken() {
  return newSecret(TOKEN_PREFIX);
}

export function hashToken(token: string) {
  return createHash("sha256").update(token).digest("hex");
}

/** The API token in an `Authorization: Bearer` header, or null when the header holds none of ours. */
export function bearerToken(authorization: string | null): string | null {
  const match = authorization ? /^Bearer\s+(\S+)\s*$/i.exec(authorization) : null;
  return match && match[1].startsWith(TOKEN_PREFIX) ? match[1] : null;
}
