import { LRUCache } from "lru-cache";
import { cookies as requestCookies, headers as requestHeaders } from "next/headers";
import { env } from "@/lib/env";
import type { HeaderSource } from "@/lib/http/forwarded";
import { findActiveUserById, authenticateApiToken } from "./queries";
import { decodeSessionJwt } from "./session-jwt";
import { bearerToken, hashToken } from "./tokens";
import { authorize } from "./access";
import type { User } from "@/lib/db/schema";
import type { Viewer } from "./viewer";

/** Auth.js's session cookie: the `__Secure-` variant over HTTPS, chunked as `.0`, `.1`… when large. */
const SESSION_COOKIES = ["__Secure-authjs.session-token", "authjs.session-token"] as const;

/**
 * Resolves the caller from an `Authorization: Bearer` API token or the session cookie (pages and
 * server actions pass nothing: the current request's headers are read; Reel's Node server passes a Node request's
 * headers, lib/http/node-headers.ts). The user row is read on every call, so a disabled or deleted account, a
 * changed role, or sessions ended elsewhere take effect at once; with `recent`, a session's account may be one read
 * up to RECENT_VIEWER_MS ago (recentSessionViewer). API tokens are checked on every call either way.
 */
export async function getViewer(request?: Request | HeaderSource, { recent = false } = {}): Promise<Viewer | null> {
  const headers = request instanceof Request ? request.headers : (request ?? (await requestHeaders()));
  const cookieHeader = () => (request ? headers.get("cookie") : currentCookieHeader());
  const credential = await readCredential(headers.get("authorization"), cookieHeader);
  if (!credential) return null;
  if ("token" in credential) return tokenViewer(credential.token);
  if (recent) return recentSessionViewer(credential.session, (await cookieHeader()) ?? "");
  return sessionViewer(await findActiveUserById(credential.session.userId), credential.session);
}

/** What a request presents: one of our API tokens (not yet checked), a session cookie's claims, or nothing usable. */
export type Credential = { token: string } | { session: SessionClaims } | null;

/**
 * The credential of a request from its Authorization header and (read only when no token is given) its cookies.
 * A Bearer header that is not one of our tokens is a wrong credential, and counts as none: the caller is anonymous.
 * (Other schemes pass: a proxy's Basic auth in front of Reel must not sign people out.)
 */
export async function readCredential(authorization: string | null, cookieHeader: () => string | null | Promise<string | null>): Promise<Credential> {
  const token = bearerToken(authorization);
  if (token) return { token };
  if (authorization && /^bearer\b/i.test(authorization)) return null;
  const session = await readSession(await cookieHeader());
  return session ? { session } : null;
}

/** The owner of an API token when the token is live and the account enabled. */
export async function tokenViewer(token: string): Promise<Viewer | null> {
  const user = await authenticateApiToken(hashToken(token));
  return user ? { ...user, via: "token" } : null;
}

/** What the session rule reads of the user a session cookie names. */
export type SessionUser = Pick<User, "id" | "email" | "name" | "role" | "canUpload" | "disabledAt" | "sessionVersion">;

/**
 * The session rule, over the user row however it was read (this module's query, or one that reads more with it in
 * the same round trip): a missing or disabled account has no session, and a cookie issued before the account's
 * sessions were ended (sign out everywhere, new password, disabled) is dead.
 */
export function sessionViewer(user: SessionUser | null, session: SessionClaims): Viewer | null {
  if (!user || user.disabledAt !== null || user.sessionVersion !== session.version) return null;
  const { id, email, name, role, canUpload } = user;
  return { id, email, name, role, canUpload, via: "session" };
}

/**
 * The cookies of the page or server action being served, as they stand now: a session cookie a server action
 * just issued (a password change signs this device in again) counts for the page it renders next in the same
 * response, which the raw Cookie header would not show.
 */
async function currentCookieHeader(): Promise<string> {
  return (await requestCookies())
    .getAll()
    .map((c) => `${c.name}=${c.value}`)
    .join("; ");
}

/** What a session cookie says: whose it is, and the account's session version when it was issued. */
export type SessionClaims = { userId: string; version: number };

/**
 * Decoded session cookies: decrypting one (key derivation + JWE) was a quarter of the CPU of a cached
 * list request. A cookie's content never changes, so its claims hold until its own expiry; the user
 * row is still read on every request (every few seconds for recent viewers), so disabling an account or ending its
 * sessions acts at once (there within seconds).
 */
const decodedSessions = new LRUCache<string, { claims: SessionClaims | null; expiresAt: number }>({ max: 10_000 });

/**
 * Decodes the session JWT straight from the cookie header (the same decoding Auth.js does), without a request
 * scope. Cookies from before session versions existed count as version 0, the version every account started at.
 */
export async function readSession(cookieHeader: string | null): Promise<SessionClaims | null> {
  if (!cookieHeader || !env.AUTH_SECRET) return null;
  const cookies = parseCookies(cookieHeader);
  for (const name of SESSION_COOKIES) {
    const value = cookieValue(cookies, name);
    if (!value) continue;
    const key = `${name}=${value}`;
    const known = decodedSessions.get(key);
    if (known && known.expiresAt > Date.now()) return known.claims;
    try {
      const payload = await decodeSessionJwt(value, env.AUTH_SECRET, name);
      const version = payload?.sessionVersion ?? 0;
      const claims = typeof payload?.sub === "string" && Number.isInteger(version) ? { userId: payload.sub, version } : null;
      if (typeof payload?.exp === "number") decodedSessions.set(key, { claims, expiresAt: payload.exp * 1000 });
      return claims;
    } catch {
      return null;
    }
  }
  return null;
}

/**
 * How long a recent viewer (getViewer's `recent`) is answered from the account it read: a disabled or deleted account,
 * a changed role or sessions ended elsewhere reach the requests that use it at most this late. Short on purpose: a
 * disabled viewer is cut off within seconds.
 */
export const RECENT_VIEWER_MS = 5_000;
/**
 * The viewer each Cookie header (so each exact session token) resolved to, and until when that answer may be reused.
 * Keyed by the header's hash: a header may be many kilobytes, and 20,000 of them must not be.
 */
const recentViewers = new LRUCache<string, { viewer: Viewer | null; until: number }>({ max: 20_000 });

/**
 * For a frequent request that may see an account's change a few seconds late: the playback reports, which every
 * playing viewer sends every few seconds, would otherwise read the user row for each. Only a cookie still valid gets
 * here (readSession refuses an expired one), so no answer outlives its cookie.
 */
async function recentSessionViewer(session: SessionClaims, cookieHeader: string): Promise<Viewer | null> {
  const now = Date.now();
  const key = hashToken(cookieHeader);
  const known = recentViewers.get(key);
  if (known && known.until > now) return known.viewer;
  const viewer = sessionViewer(await findActiveUserById(session.userId), session);
  recentViewers.set(key, { viewer, until: now + RECENT_VIEWER_MS });
  return viewer;
}

function parseCookies(header: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    if (!map.has(name)) map.set(name, part.slice(eq + 1).trim());
  }
  return map;
}

function cookieValue(cookies: Map<string, string>, name: string): string | null {
  const whole = cookies.get(name);
  if (whole) return whole;
  const chunks: string[] = [];
  for (let i = 0; cookies.has(`${name}.${i}`); i++) chunks.push(cookies.get(`${name}.${i}`)!);
  return chunks.length > 0 ? chunks.join("") : null;
}

/** The caller when it has `access` (lib/auth/access.ts); else the refusal (401/403) is thrown. */
export async function requireAccess(access: "user" | "uploader" | "admin", request?: Request): Promise<Viewer> {
  return authorize(await getViewer(request), access);
}
