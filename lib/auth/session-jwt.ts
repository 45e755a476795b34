import { createDecipheriv, createHash, createHmac, hkdfSync, timingSafeEqual } from "node:crypto";
import { decodeProtectedHeader, errors, jwtDecrypt } from "jose";
import { decode, type JWT } from "next-auth/jwt";

/**
 * Opens Auth.js's session cookie: a JWE with alg "dir" and enc A256CBC-HS512 (RFC 7516, RFC 7518 §5.2.2) under a key
 * derived from AUTH_SECRET by HKDF-SHA256 with the cookie name as salt. Auth.js's own decode derives that key again
 * (and its thumbprint) for every cookie, through WebCrypto: several milliseconds each on a busy server, and a
 * server taking playback reports from thousands of viewers meets a new cookie at nearly every request. Here the key
 * is derived once per secret and cookie name. The JWE Auth.js writes (header alg, enc and kid, nothing else) is opened
 * with node:crypto's synchronous primitives: jose (Auth.js's own JWE library) goes through WebCrypto, about 0.25 ms
 * of CPU per cookie, and a web process that starts or restarts meets thousands of viewers' cookies within seconds,
 * on the loop that serves media. Any other header is opened by jose with the derived key; another algorithm or key
 * id goes to Auth.js's decode, which stays the reference.
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
  if (Object.keys(header).every((name) => AUTH_JS_HEADER.has(name))) return openAuthJsJwe(token, key.raw);
  const { payload } = await jwtDecrypt<JWT>(token, key.raw, {
    clockTolerance: CLOCK_TOLERANCE_S,
    keyManagementAlgorithms: ["dir"],
    contentEncryptionAlgorithms: ["A256CBC-HS512"],
  });
  return payload;
}

/** The header parameters Auth.js writes; a header with any other (zip, crit, replicated claims) is left to jose. */
const AUTH_JS_HEADER = new Set(["alg", "enc", "kid"]);
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * A compact JWE with alg "dir" and enc A256CBC-HS512 (RFC 7518 §5.2.2.2): the tag is checked before anything is
 * decrypted, then the claims as jose's jwtDecrypt checks them for Auth.js's options (a JSON object; iat, nbf and
 * exp numbers when present; nbf not in the future and exp not past, each within the clock tolerance). Any failure
 * throws a jose error, as jose would.
 */
function openAuthJsJwe(token: string, key: Uint8Array): JWT {
  const parts = token.split(".");
  if (parts.length !== 5 || parts[1] !== "") throw new errors.JWEInvalid("Invalid Compact JWE");
  const [protectedHeader, , ivPart, ciphertextPart, tagPart] = parts;
  const iv = Buffer.from(ivPart, "base64url");
  const ciphertext = Buffer.from(ciphertextPart, "base64url");
  const tag = Buffer.from(tagPart, "base64url");
  if (iv.length !== 16 || tag.length !== 32 || ciphertext.length === 0 || ciphertext.length % 16 !== 0) throw new errors.JWEInvalid("Invalid JWE");
  const aad = Buffer.from(protectedHeader, "ascii");
  const aadBits = Buffer.alloc(8);
  aadBits.writeBigUInt64BE(BigInt(aad.length) * 8n);
  const expected = createHmac("sha512", key.subarray(0, 32)).update(aad).update(iv).update(ciphertext).update(aadBits).digest().subarray(0, 32);
  if (!timingSafeEqual(expected, tag)) throw new errors.JWEDecryptionFailed();
  let plaintext: Buffer;
  try {
    const decipher = createDecipheriv("aes-256-cbc", key.subarray(32), iv);
    plaintext = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch {
    throw new errors.JWEDecryptionFailed();
  }
  let claims: unknown;
  try {
    claims = JSON.parse(strictUtf8.decode(plaintext));
  } catch {
    throw new errors.JWTInvalid("JWT Claims Set must be a top-level JSON object");
  }
  if (typeof claims !== "object" || claims === null || Array.isArray(claims)) throw new errors.JWTInvalid("JWT Claims Set must be a top-level JSON object");
  const payload = claims as JWT;
  const now = Math.floor(Date.now() / 1000);
  for (const claim of ["iat", "nbf", "exp"] as const) {
    if (payload[claim] !== undefined && typeof payload[claim] !== "number") throw new errors.JWTClaimValidationFailed(`"${claim}" claim must be a number`, payload, claim, "invalid");
  }
  if (typeof payload.nbf === "number" && payload.nbf > now + CLOCK_TOLERANCE_S) throw new errors.JWTClaimValidationFailed('"nbf" claim timestamp check failed', payload, "nbf", "check_failed");
  if (typeof payload.exp === "number" && payload.exp <= now - CLOCK_TOLERANCE_S) throw new errors.JWTExpired('"exp" claim timestamp check failed', payload, "exp", "check_failed");
  return payload;
}
