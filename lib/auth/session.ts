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
 * changed role, or sessions ended elsewhere take effect at once.
 */
export async function getViewer(request?: Request | HeaderSource): Promise<Viewer | null> {
  const headers = request instanceof Request ? request.headers : (request ?? (await requestHeaders()));
  const credential = await readCredential(headers.get("authorization"), () => (request ? headers.get("cookie") : currentCookieHeader()));
  if (!credential) return null;
  if ("token" in credential) return tokenViewer(credential.token);
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
 * row is still read on every request (by getRecentViewer every few seconds), so disabling an account or ending its
 * sessions acts at once (there within seconds).
 */
const decodedSessions = new LRUCache<string, { claims: SessionClaims | null; expiresAt: number }>({ max: 10_000 });

/**
 * Decodes the session JWT straight from the cookie header (the same decoding Auth.js does), without a request
 * scope. Cookies from before session versions existed count as version 0, the version every account started at.
 */
export async function readSession(cookieHeader: string | null): Promise<SessionClaims | null> {
  return (await readSessionCookie(cookieHeader))?.claims ?? null;
}

/** readSession() with the cookie it read (`name=value`, the exact token) and when that cookie expires (ms). */
async function readSessionCookie(cookieHeader: string | null): Promise<{ cookie: string; claims: SessionClaims; expiresAt: number } | null> {
  if (!cookieHeader || !env.AUTH_SECRET) return null;
  const cookies = parseCookies(cookieHeader);
  for (const name of SESSION_COOKIES) {
    const value = cookieValue(cookies, name);
    if (!value) continue;
    const cookie = `${name}=${value}`;
    const known = decodedSessions.get(cookie);
    if (known && known.expiresAt > Date.now()) return known.claims && { cookie, claims: known.claims, expiresAt: known.expiresAt };
    try {
      const payload = await decodeSessionJwt(value, env.AUTH_SECRET, name);
      const version = payload?.sessionVersion ?? 0;
      const claims = typeof payload?.sub === "string" && Number.isInteger(version) ? { userId: payload.sub, version } : null;
      const expiresAt = typeof payload?.exp === "number" ? payload.exp * 1000 : null;
      if (expiresAt !== null) decodedSessions.set(cookie, { claims, expiresAt });
      return claims && { cookie, claims, expiresAt: expiresAt ?? Infinity };
    } catch {
      return null;
    }
  }
  return null;
}

/**
 * How long getRecentViewer() answers a session cookie from the account it read: a disabled or deleted account, a
 * changed role or sessions ended elsewhere reach the requests that use it at most this late. Short on purpose: a
 * disabled viewer is cut off within seconds.
 */
export const RECENT_VIEWER_MS = 5_000;
/** The viewer each session cookie (the exact token) resolved to, and until when that answer may be reused. */
const recentViewers = new LRUCache<string, { viewer: Viewer | null; until: number }>({ max: 20_000 });

/**
 * getViewer() for a frequent request that may see an account's change a few seconds late (RECENT_VIEWER_MS): the
 * playback reports, which every playing viewer sends every few seconds, would otherwise read the user row for each.
 * Only session cookies are answered from memory, never past the cookie's own expiry; a request with an
 * `Authorization: Bearer` header (an API token, or a foreign one) is resolved as getViewer() does.
 */
export async function getRecentViewer(headers: HeaderSource): Promise<Viewer | null> {
  const authorization = headers.get("authorization");
  if (authorization && /^bearer\b/i.test(authorization)) return getViewer(headers);
  const session = await readSessionCookie(headers.get("cookie"));
  if (!session) return null;
  const now = Date.now();
  const known = recentViewers.get(session.cookie);
  if (known && known.until > now) return known.viewer;
  const viewer = sessionViewer(await findActiveUserById(session.claims.userId), session.claims);
  recentViewers.set(session.cookie, { viewer, until: Math.min(now + RECENT_VIEWER_MS, session.expiresAt) });
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
