import { createHash, randomBytes } from "node:crypto";

/** API tokens look like `reel_<43 chars>`: 256 random bits, so SHA-256 (not a slow hash) is the right store. */
export const TOKEN_PREFIX = "reel_";

export function newApiToken() {
  const token = TOKEN_PREFIX + randomBytes(32).toString("base64url");
  return { token, tokenHash: hashToken(token), prefix: token.slice(0, TOKEN_PREFIX.length + 6) };
}

export function hashToken(token: string) {
  return createHash("sha256").update(token).digest("hex");
}

export function bearerToken(authorization: string | null): string | null {
  const match = authorization ? /^Bearer\s+(\S+)\s*$/i.exec(authorization) : null;
  return match && match[1].startsWith(TOKEN_PREFIX) ? match[1] : null;
}
