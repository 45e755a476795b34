import type { NextRequest } from "next/server";
import { handlers } from "@/lib/auth/config";
import { limitCredentialsCallback } from "@/lib/auth/login";
import { route } from "@/lib/http/route";

// Auth.js's own endpoints (csrf, session, callback/credentials, signout); sign-ins are rate-limited.
export const GET = route({ access: "public" }, ({ request }) => handlers.GET(request as NextRequest));
export const POST = route({ access: "public" }, ({ request }) => limitCredentialsCallback(request, (r) => handlers.POST(r as NextRequest)));
