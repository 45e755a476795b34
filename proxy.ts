import { NextResponse, type NextRequest } from "next/server";

/**
 * Convenience only: sends visitors without a session cookie from always-private pages to /login, so
 * they do not see a flash of a page that then redirects. It proves nothing (the cookie is not even
 * verified here): pages, server actions and route handlers all check for themselves. Pages guests may
 * see (home, videos, watch) decide in the page, as only they know the guest-access setting.
 */
export function proxy(request: NextRequest) {
  const signedIn = request.cookies.getAll().some((c) => /^(__Secure-)?authjs\.session-token(\.0)?$/.test(c.name));
  if (signedIn) return NextResponse.next();
  const login = new URL("/login", request.url);
  login.searchParams.set("callbackUrl", request.nextUrl.pathname + request.nextUrl.search);
  return NextResponse.redirect(login);
}

// Pages only: API routes, /media, uploads, the service worker, the manifest and static files never pass
// through here (a proxy also buffers request bodies, which would break large uploads).
export const config = {
  matcher: ["/admin/:path*", "/settings/:path*", "/upload/:path*", "/favorites/:path*", "/history/:path*"],
};
