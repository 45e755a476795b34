import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import { LRUCache } from "lru-cache";
import { mediaKeyring, signToken, verifyToken, type Keyring, type TokenCheck } from "@/lib/media/signing";
import { expiryFor } from "@/lib/media/urls";

/**
 * Proxy paths: `/proxy/<token>/<linkId>/<ref>/<name>`.
 * - token: the media token scheme (lib/media/signing.ts: HMAC, expiry, key id) over `proxy:<linkId>`, so a media
 *   token never opens a link and a link's token never opens another link or a video.
 * - ref: the upstream URL, whose user it is for and what it holds (a playlist to rewrite or bytes to pass on),
 *   sealed with AES-256-GCM under a key derived from the token's signing key, with the link id as associated
 *   data. The browser learns nothing of the upstream URL, and the byte path needs no database: every URI of a
 *   rewritten playlist carries its own ref.
 * - name: `index.m3u8` or `media`, for people reading logs and for players that look at extensions.
 */

export const PROXY_PREFIX = "/proxy/";

export type RefKind = "playlist" | "bytes";
export type ProxyRef = { url: string; userId: string; kind: RefKind };

const SUBJECT = (linkId: string) => `proxy:${linkId}`;
const sealKeys = new WeakMap<object, Buffer>();

function sealKey(keyring: Keyring, kid: string): Buffer | null {
  const media = keyring.byKid.get(kid);
  if (!media) return null;
  let key = sealKeys.get(media.key);
  if (!key) {
    key = Buffer.from(hkdfSync("sha256", media.key.export(), Buffer.alloc(0), "reel proxy ref", 32));
    sealKeys.set(media.key, key);
  }
  return key;
}

export function sealRef(ref: ProxyRef, linkId: string, keyring: Keyring = mediaKeyring()): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", sealKey(keyring, keyring.signer.kid)!, iv);
  cipher.setAAD(Buffer.from(linkId));
  const plain = Buffer.from(JSON.stringify([ref.url, ref.userId, ref.kind === "playlist" ? 1 : 0]));
  return Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]).toString("base64url");
}

export function openRef(sealed: string, linkId: string, kid: string, keyring: Keyring = mediaKeyring()): ProxyRef | null {
  const key = sealKey(keyring, kid);
  if (!key || !/^[A-Za-z0-9_-]{40,}$/.test(sealed)) return null;
  const bytes = Buffer.from(sealed, "base64url");
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, bytes.subarray(0, 12));
    decipher.setAAD(Buffer.from(linkId));
    decipher.setAuthTag(bytes.subarray(bytes.length - 16));
    const plain = Buffer.concat([decipher.update(bytes.subarray(12, bytes.length - 16)), decipher.final()]);
    const [url, userId, playlist] = JSON.parse(plain.toString("utf8")) as [string, string, number];
    return { url, userId, kind: playlist ? "playlist" : "bytes" };
  } catch {
    return null;
  }
}

export type ProxyBase = { base: string; token: string; expiresAt: number };

/** The signed prefix `/proxy/<token>/<linkId>/` every URI of one link shares. */
export function proxyBase(linkId: string, ttlSeconds: number, options: { now?: number; keyring?: Keyring } = {}): ProxyBase {
  const expiresAt = expiryFor(ttlSeconds, options.now);
  const token = signToken(SUBJECT(linkId), expiresAt, options.keyring);
  return { base: `${PROXY_PREFIX}${token}/${linkId}/`, token, expiresAt };
}

export function proxyUri(base: string, ref: ProxyRef, linkId: string, keyring?: Keyring): string {
  return `${base}${sealRef(ref, linkId, keyring)}/${ref.kind === "playlist" ? "index.m3u8" : "media"}`;
}

export type ParsedProxyPath =
  | { ok: true; linkId: string; token: string; base: string; ref: ProxyRef }
  | { ok: false; status: 403 | 404; reason: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const TOKEN_REFUSALS: Record<Exclude<TokenCheck, "ok">, string> = {
  malformed: "malformed token",
  "unknown-key": "unknown key",
  expired: "token expired",
  "bad-signature": "bad signature",
};

type Verified = Extract<ParsedProxyPath, { ok: true }> & { expiresAt: number; kid: string };

/**
 * Paths that passed every check, per keyring. A player asks for the same path many times (every range of a file,
 * a live playlist every second), and the HMAC and AES-GCM work is the same each time: only the expiry and whether
 * the key is still in the keyring can change, and both are checked again on every hit.
 */
const verifiedPaths = new WeakMap<Keyring, LRUCache<string, Verified>>();

/** Parses and checks a path after `/proxy/` (no query): token, link id, sealed ref. No database. */
export function parseProxyPath(rest: string, nowSeconds = Date.now() / 1000, keyring: Keyring = mediaKeyring()): ParsedProxyPath {
  let cache = verifiedPaths.get(keyring);
  if (!cache) verifiedPaths.set(keyring, (cache = new LRUCache({ max: 10_000 })));
  const known = cache.get(rest);
  if (known) {
    if (known.expiresAt <= nowSeconds) return { ok: false, status: 403, reason: TOKEN_REFUSALS.expired };
    if (keyring.byKid.has(known.kid)) return { ok: true, linkId: known.linkId, token: known.token, base: known.base, ref: known.ref };
    cache.delete(rest);
  }
  const parsed = checkProxyPath(rest, nowSeconds, keyring);
  if (parsed.ok) {
    const [kid, expiresAt] = parsed.token.split(".");
    cache.set(rest, { ...parsed, kid, expiresAt: Number(expiresAt) });
  }
  return parsed;
}

function checkProxyPath(rest: string, nowSeconds: number, keyring: Keyring): ParsedProxyPath {
  const parts = rest.split("/");
  if (parts.length !== 4) return { ok: false, status: 404, reason: "not found" };
  const [token, linkId, sealed] = parts;
  if (!UUID.test(linkId)) return { ok: false, status: 404, reason: "not found" };
  const check = verifyToken(token, SUBJECT(linkId), nowSeconds, keyring);
  if (check !== "ok") return { ok: false, status: 403, reason: TOKEN_REFUSALS[check] };
  const ref = openRef(sealed, linkId, token.slice(0, token.indexOf(".")), keyring);
  if (!ref) return { ok: false, status: 404, reason: "not found" };
  return { ok: true, linkId, token, base: `${PROXY_PREFIX}${token}/${linkId}/`, ref };
}
