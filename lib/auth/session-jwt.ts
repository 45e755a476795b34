import { createDecipheriv, createHash, createHmac, hkdfSync, timingSafeEqual } from "node:crypto";
import { decode, type JWT } from "next-auth/jwt";

/**
 * Opens Auth.js's session cookie: a JWE with alg "dir" and enc A256CBC-HS512 (RFC 7516, RFC 7518 §5.2.2) under a key
 * derived from AUTH_SECRET by HKDF-SHA256 with the cookie name as salt. Auth.js's own decode derives that key again
 * (and its thumbprint) for every cookie, through WebCrypto: several milliseconds each on a busy server, and a
 * server taking playback reports from thousands of viewers meets a new cookie at nearly every request. Here the key
 * is derived once per secret and cookie name and the JWE opened with node:crypto. Anything else (another algorithm,
 * another key id, a critical header) goes to Auth.js's decode, which stays the reference.
 */

/** Auth.js's clock tolerance for `exp` and `nbf`, in seconds. */
const CLOCK_TOLERANCE_S = 15;

type DerivedKey = { macKey: Buffer; encKey: Buffer; kid: string };
const derivedKeys = new Map<string, DerivedKey>();

function derivedKey(secret: string, salt: string): DerivedKey {
  const cacheKey = `${salt}\n${secret}`;
  let key = derivedKeys.get(cacheKey);
  if (!key) {
    const raw = Buffer.from(hkdfSync("sha256", secret, salt, `Auth.js Generated Encryption Key (${salt})`, 64));
    // RFC 7638 thumbprint of the key as a JWK, which Auth.js puts in the header's `kid`.
    const kid = createHash("sha512").update(`{"k":"${raw.toString("base64url")}","kty":"oct"}`).digest("base64url");
    key = { macKey: raw.subarray(0, 32), encKey: raw.subarray(32), kid };
    derivedKeys.set(cacheKey, key);
  }
  return key;
}

/** The session JWT's claims; throws when it is not one of ours, was altered, or has expired (as Auth.js's decode does). */
export async function decodeSessionJwt(token: string, secret: string, salt: string): Promise<JWT | null> {
  const parts = token.split(".");
  if (parts.length !== 5) return decode({ token, secret, salt });
  const [protectedHeader, encryptedKey, iv, ciphertext, tag] = parts;
  const header = JSON.parse(Buffer.from(protectedHeader, "base64url").toString("utf8")) as Record<string, unknown>;
  const key = derivedKey(secret, salt);
  if (header.alg !== "dir" || header.enc !== "A256CBC-HS512" || header.zip !== undefined || header.crit !== undefined || (header.kid !== undefined && header.kid !== key.kid) || encryptedKey !== "") {
    return decode({ token, secret, salt });
  }
  const aad = Buffer.from(protectedHeader, "ascii");
  const ivBytes = Buffer.from(iv, "base64url");
  const cipherBytes = Buffer.from(ciphertext, "base64url");
  const tagBytes = Buffer.from(tag, "base64url");
  if (ivBytes.length !== 16 || tagBytes.length !== 32) throw new Error("Malformed session token");
  const aadBits = Buffer.alloc(8);
  aadBits.writeBigUInt64BE(BigInt(aad.length * 8));
  const expected = createHmac("sha512", key.macKey).update(aad).update(ivBytes).update(cipherBytes).update(aadBits).digest().subarray(0, 32);
  if (!timingSafeEqual(expected, tagBytes)) throw new Error("Session token authentication failed");
  const decipher = createDecipheriv("aes-256-cbc", key.encKey, ivBytes);
  const payload = JSON.parse(Buffer.concat([decipher.update(cipherBytes), decipher.final()]).toString("utf8")) as JWT;
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) throw new Error("Malformed session token");
  const now = Math.floor(Date.now() / 1000);
  if (payload.exp !== undefined && (typeof payload.exp !== "number" || payload.exp <= now - CLOCK_TOLERANCE_S)) throw new Error("Session token expired");
  if (payload.nbf !== undefined && (typeof payload.nbf !== "number" || payload.nbf > now + CLOCK_TOLERANCE_S)) throw new Error("Session token not yet valid");
  return payload;
}
