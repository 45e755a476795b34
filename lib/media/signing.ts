import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from "node:crypto";
import { env } from "@/lib/env";

/**
 * Signed media tokens. A playback token grants access to the published files of ONE video (not its
 * original, see grants below) until it expires, and travels as a path segment:
 * `/media/<token>/<videoId>/<rel path>`, so the relative URLs inside HLS playlists and the storyboard
 * VTT inherit it without rewriting.
 *
 * Format: `<kid>.<expires>.<sig>`, or `<kid>.<expires>.<grant>.<sig>` for a token with a grant
 * - kid: the key id (`[A-Za-z0-9]{1,16}`) from `REEL_MEDIA_KEYS` (`kid:secret,...`); the first
 *   key signs, every listed key verifies, so keys rotate by adding a new one in front and dropping
 *   the old one once its tokens have expired. An unknown kid is refused.
 * - expires: Unix time in seconds.
 * - grant: what the token opens beyond the published files; only `o` (GRANT_ORIGINAL): the video's
 *   `source/` folder, its original. Any other value is malformed.
 * - sig: base64url (unpadded, 43 chars) of HMAC-SHA256(secret, `<videoId>.<expires>.<kid>`), and
 *   with a grant of `<videoId>.<expires>.<kid>/<grant>`: adding, removing or changing the grant
 *   breaks the signature. The text after the last `.` of the first form is a bare kid, of the second
 *   holds a `/`, so no message of one form is a message of the other, whatever the subject.
 *
 * The original is granted only where tokens are issued, for a video that has no MP4 yet
 * (urls.ts, signedPlayback); otherwise only a download token opens it. Tokens without a grant, the
 * format before grants existed, keep verifying: they open everything but the original.
 *
 * Download tokens (see urls.ts, downloadUrl) use the same format over another subject: the file's path
 * and the name it is saved as (downloadSubject), so a download URL opens that one file, under that
 * name, and nothing else; a subject holds a line break, which no video id (the playback subject) has.
 *
 * Verification needs no database: parse, look the key up, check the expiry, recompute the HMAC
 * and compare in constant time. The signature is compared as text, not decoded bytes, so no two
 * spellings of one signature both pass.
 */

export type MediaKey = { kid: string; key: KeyObject };

export type Keyring = {
  signer: MediaKey;
  byKid: ReadonlyMap<string, MediaKey>;
};

const TOKEN = /^([A-Za-z0-9]{1,16})\.(\d{1,12})\.(?:(o)\.)?([A-Za-z0-9_-]{43})$/;

/** The grant that lets a playback token open the video's original (`source/`). */
export const GRANT_ORIGINAL = "o";
export type Grant = typeof GRANT_ORIGINAL;

/** Parses `kid:secret[,kid:secret...]` (the format lib/env.ts validates). */
export function parseKeyring(spec: string): Keyring {
  const keys: MediaKey[] = spec.split(",").map((pair) => {
    const colon = pair.indexOf(":");
    if (colon <= 0) throw new Error("Media keys must be kid:secret pairs separated by commas");
    return { kid: pair.slice(0, colon).trim(), key: createSecretKey(Buffer.from(pair.slice(colon + 1).trim(), "utf8")) };
  });
  const byKid = new Map<string, MediaKey>();
  for (const k of keys) {
    if (byKid.has(k.kid)) throw new Error(`Media key id "${k.kid}" is listed twice`);
    byKid.set(k.kid, k);
  }
  return { signer: keys[0], byKid };
}

let configured: Keyring | undefined;

/** The keyring from `REEL_MEDIA_KEYS`, parsed once. */
export function mediaKeyring(): Keyring {
  if (!configured) {
    if (!env.REEL_MEDIA_KEYS) {
      throw new Error("REEL_MEDIA_KEYS is not set: media URLs cannot be signed or verified (npm start generates it)");
    }
    configured = parseKeyring(env.REEL_MEDIA_KEYS);
  }
  return configured;
}

function signature(key: KeyObject, subject: string, expires: string, kid: string, grant: string | undefined): string {
  const message = grant ? `${subject}.${expires}.${kid}/${grant}` : `${subject}.${expires}.${kid}`;
  return createHmac("sha256", key).update(message).digest("base64url");
}

/** `subject` is a video id for playback tokens, or a downloadSubject; `grant` only for playback tokens. */
export function signToken(subject: string, expiresAt: number, keyring: Keyring = mediaKeyring(), grant?: Grant): string {
  const { kid, key } = keyring.signer;
  const expires = String(Math.floor(expiresAt));
  return `${kid}.${expires}.${grant ? `${grant}.` : ""}${signature(key, subject, expires, kid, grant)}`;
}

/**
 * What a download token signs: the media path after the token (`<videoId>/<encoded rel>`) and the
 * `download` query value (the encoded file name), both exactly as they appear in the URL.
 */
export function downloadSubject(pathAfterToken: string, encodedName: string): string {
  return `download\n${pathAfterToken}\n${encodedName}`;
}

/** The expiry (unix seconds) a well-formed token carries; check it with verifyToken first. */
export function tokenExpiresAt(token: string): number {
  return Number(TOKEN.exec(token)?.[2] ?? 0);
}

export type TokenCheck = "ok" | "malformed" | "unknown-key" | "expired" | "bad-signature";

/** `nowSeconds` is injectable for tests; the byte path passes the current time. */
export function verifyToken(
  token: string,
  subject: string,
  nowSeconds: number = Date.now() / 1000,
  keyring: Keyring = mediaKeyring(),
): TokenCheck {
  const m = TOKEN.exec(token);
  if (!m) return "malformed";
  const key = keyring.byKid.get(m[1]);
  if (!key) return "unknown-key";
  if (Number(m[2]) <= nowSeconds) return "expired";
  const expected = signature(key.key, subject, m[2], m[1], m[3]);
  return timingSafeEqual(Buffer.from(expected, "latin1"), Buffer.from(m[4], "latin1")) ? "ok" : "bad-signature";
}

/**
 * Whether a playback token may open the original, i.e. carries GRANT_ORIGINAL; check it with verifyToken first (the
 * signature covers the grant).
 */
export function grantsOriginal(token: string): boolean {
  return TOKEN.exec(token)?.[3] === GRANT_ORIGINAL;
}
