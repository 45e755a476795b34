import { createHash, hkdfSync } from "node:crypto";
import { decodeProtectedHeader, jwtDecrypt } from "jose";
import { decode, type JWT } from "next-auth/jwt";

/**
 * Opens Auth.js's session cookie: a JWE with alg "dir" and enc A256CBC-HS512 (RFC 7516, RFC 7518 §5.2.2) under a key
 * derived from AUTH_SECRET by HKDF-SHA256 with the cookie name as salt. Auth.js's own decode derives that key again
 * (and its thumbprint) for every cookie, through WebCrypto: several milliseconds each on a busy server, and a
 * server taking playback reports from thousands of viewers meets a new cookie at nearly every request. Here the key
 * is derived once per secret and cookie name and the JWE opened by jose (Auth.js's own JWE library) with that key.
 * Anything else (another algorithm, another key id) goes to Auth.js's decode, which stays the reference.
 */

/** Auth.js's clock tolerance for `exp` and `nbf`, in seconds. */
const CLOCK_TOLERANCE_S = 15;

type DerivedKey = { raw: Uint8Array; kid: string };
const derivedKeys = new Map<string, DerivedKey>();

function derivedKey(secret: string, salt: string): DerivedKey {
  const cacheKey = `${salt}\n${secret}`;
  let key = derivedKeys.get(cacheKey);
  if (!key) {
    const raw = Buffer.from(hkdfSync("sha256", secret, salt, `Auth.js Generated Encryption Key (${salt})`, 64));
    // RFC 7638 thumbprint of the key as a JWK, which Auth.js puts in the header's `kid`.
    const kid = createHash("sha512").update(`{"k":"${raw.toString("base64url")}","kty":"oct"}`).digest("base64url");
    key = { raw, kid };
    derivedKeys.set(cacheKey, key);
  }
  return key;
}

/** The session JWT's claims; throws when it is not one of ours, was altered, or has expired (as Auth.js's decode does). */
export async function decodeSessionJwt(token: string, secret: string, salt: string): Promise<JWT | null> {
  const key = derivedKey(secret, salt);
  let header: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(token);
  } catch {
    return decode({ token, secret, salt });
  }
  if (header.alg !== "dir" || header.enc !== "A256CBC-HS512" || (header.kid !== undefined && header.kid !== key.kid)) return decode({ token, secret, salt });
  const { payload } = await jwtDecrypt<JWT>(token, key.raw, {
    clockTolerance: CLOCK_TOLERANCE_S,
    keyManagementAlgorithms: ["dir"],
    contentEncryptionAlgorithms: ["A256CBC-HS512"],
  });
  return payload;
}
