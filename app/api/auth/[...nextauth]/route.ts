import { NextRequest } from "next/server";
import { handlers } from "@/lib/auth/config";
import { limitCredentialsCallback } from "@/lib/auth/login";
import { publicOrigin } from "@/lib/http/origin";
import { route } from "@/lib/guards/route";

/**
 * Next hands route handlers a URL on its own bind address (http://localhost:PORT/...); Auth.js builds
 * its redirects from that URL, so it gets the address people actually used, as its server actions do.
 */
function atPublicUrl(request: Request) {
  const url = new URL(request.url);
  return new NextRequest(new URL(url.pathname + url.search, publicOrigin(request.headers)), request);
}

// Auth.js's own endpoints (csrf, session, callback/credentials, signout); sign-ins are rate-limited.
export const GET = route({ access: "public" }, ({ request }) => handlers.GET(atPublicUrl(request)));
export const POST = route({ access: "public" }, ({ request }) => limitCredentialsCallback(request, (r) => handlers.POST(atPublicUrl(r))));
