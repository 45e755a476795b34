import { z } from "zod";
import { errorResponse } from "@/lib/http/request";
import { route } from "@/lib/guards/route";
import { isAppError } from "@/lib/errors";
import { clearLinks, createLink, linkView, recentLinks, refusalOf } from "@/lib/proxy/links";

/**
 * Play a link. POST validates a URL (what it is, whether Reel may fetch it) and remembers it for the caller;
 * refusals carry `reason`: bad_url 400, not_allowed 403, not_video 422, upstream_error 502, timeout 504, daily_limit 429.
 */
export const POST = route({ access: "user", body: z.object({ url: z.string().min(1).max(4096) }) }, async ({ viewer, body, request }) => {
  try {
    return Response.json(linkView(await createLink(viewer, body.url)), { status: 201, headers: { "cache-control": "private, no-store" } });
  } catch (error) {
    if (!isAppError(error)) throw error;
    const response = errorResponse(error, request);
    const payload = (await response.json()) as object;
    return Response.json({ ...payload, reason: refusalOf(error) }, { status: response.status, headers: response.headers });
  }
});

/** The caller's last 20 links, most recently used first. */
export const GET = route({ access: "user" }, async ({ viewer }) => ({ links: await recentLinks(viewer) }));

/** Clears the caller's list. */
export const DELETE = route({ access: "user" }, async ({ viewer }) => clearLinks(viewer));
