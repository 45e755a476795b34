import { NextResponse, type NextRequest } from "next/server";
import { env } from "@/lib/env";
import { requestProtocol } from "@/lib/http/forwarded";
import { documentHeaders, newNonce, responseHeaders } from "@/lib/http/security-headers";
import { mediaOrigin } from "@/lib/storage/origin";

/** The player for other sites (app/embed): any site may show it in a frame; every other page refuses to be framed. */
const EMBED = /^\/embed\//;

/** Where browsers fetch media bytes from when they are in a bucket (fixed for the process's life). */
const MEDIA_ORIGIN = mediaOrigin(env);

/** Pages only people who are signed in ever see. */
const PRIVATE = /^\/(admin|settings|upload|favorites|history)(\/|$)/;

/**
 * Runs before every page Next renders, with Reel's Node server in front or under `next start` alone:
 *
 * - Security headers: a fresh nonce per response, in the request's CSP (Next reads it there and puts it on its own
 *   scripts; Reel's inline scripts take it from `pageNonce()`) and in the response's, with the other document headers.
 * - Convenience only: sends visitors without a session cookie from always-private pages to /login, so they do not
 *   see a flash of a page that then redirects. It proves nothing (the cookie is not even verified here): pages,
 *   server actions and route handlers all check for themselves. Pages guests may see (home, videos, watch) decide in
 *   the page, as only they know the guest-access setting.
 */
export function proxy(request: NextRequest) {
  // No socket here, and Next's server speaks plain HTTP: HTTPS can only be a trusted proxy's word.
  const headers = {
    ...responseHeaders({ https: requestProtocol(request.headers) === "https" }),
    ...documentHeaders({ nonce: newNonce(), dev: env.NODE_ENV === "development", frameAncestors: EMBED.test(request.nextUrl.pathname) ? ["*"] : undefined, mediaOrigin: MEDIA_ORIGIN }),
  };
  const response = PRIVATE.test(request.nextUrl.pathname) && !hasSessionCookie(request) ? toLogin(request) : forward(request, headers["content-security-policy"]);
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}

function hasSessionCookie(request: NextRequest) {
  return request.cookies.getAll().some((c) => /^(__Secure-)?authjs\.session-token(\.0)?$/.test(c.name));
}

function toLogin(request: NextRequest) {
  const login = new URL("/login", request.url);
  login.searchParams.set("callbackUrl", request.nextUrl.pathname + request.nextUrl.search);
  return NextResponse.redirect(login);
}

/** Hands the request on with this response's policy in place of anything the client sent under that name. */
function forward(request: NextRequest, policy: string) {
  const headers = new Headers(request.headers);
  headers.set("content-security-policy", policy);
  headers.delete("content-security-policy-report-only");
  return NextResponse.next({ request: { headers } });
}

// Every page, and nothing else: API routes, /metrics, /media, /proxy, uploads, Next's and Reel's static files, the app icons,
// the web app manifest and the service worker never pass through here (a proxy also buffers request bodies, which
// would break large uploads). /offline-media/ is answered by the service worker; without one it is a plain 404.
export const config = {
  matcher: ["/((?!api(?:/|$)|media/|proxy/|_next/|_reel/|icons/|offline-media/|metrics$|icon\\.svg$|favicon\\.ico$|sw\\.js$|manifest\\.webmanifest$).*)"],
};
