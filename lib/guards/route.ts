import { unstable_rethrow } from "next/navigation";
import { z } from "zod";
import { authorize, type Access, type ViewerFor } from "@/lib/auth/access";
import { getRecentViewer, getViewer } from "@/lib/auth/session";
import type { Viewer } from "@/lib/auth/viewer";
import { AppError } from "@/lib/errors";
import { requestHost, type HeaderSource } from "@/lib/http/forwarded";
import { errorResponse, parse, readJson, searchParamsObject } from "@/lib/http/request";

type Infer<S> = S extends z.ZodType ? z.infer<S> : undefined;

type RouteContext = { params: Promise<Record<string, string | string[] | undefined>> };

export type Handler<A extends Access, P, Q, B> = (input: {
  request: Request;
  viewer: ViewerFor<A>;
  params: Infer<P>;
  query: Infer<Q>;
  body: Infer<B>;
}) => Promise<Response | object | null | undefined> | Response | object | null | undefined;

export type RouteOptions<A extends Access, P, Q, B> = {
  /** Who may call (see lib/auth/access.ts): checked here, inside the handler, whatever proxy.ts did. */
  access: A;
  params?: P;
  query?: Q;
  body?: B;
  /** Largest JSON body accepted (default 1 MiB); bytes-heavy endpoints do not take JSON. */
  maxBodyBytes?: number;
  /**
   * The caller's account as read up to a few seconds ago will do (getRecentViewer, lib/auth/session.ts): for a
   * frequent request whose caller may lose access that much late (the playback reports). Default: read at each request.
   */
  recentViewer?: boolean;
};

export const DEFAULT_MAX_BODY = 1024 * 1024;
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * A browser sends the session cookie with requests that other sites trigger; a state-changing request
 * riding on the cookie must come from Reel's own pages. Browsers say where a request comes from
 * (Sec-Fetch-Site, else Origin); clients that say nothing (scripts with a cookie jar) are not browsers.
 */
export function checkSameOrigin(method: string, headers: HeaderSource, viewer: Viewer | null) {
  if (viewer?.via !== "session" || SAFE_METHODS.has(method)) return;
  const site = headers.get("sec-fetch-site");
  if (site) {
    if (site === "same-origin" || site === "none") return;
    throw new AppError("forbidden", "Cross-site request refused");
  }
  const origin = headers.get("origin");
  if (!origin) return;
  const host = requestHost(headers);
  let originHost: string | null = null;
  try {
    originHost = new URL(origin).host;
  } catch {
    // "null" or garbage: not our page.
  }
  if (originHost !== host) throw new AppError("forbidden", "Cross-site request refused");
}

/**
 * The one wrapper every route handler goes through: authorise, validate params/query/body with zod,
 * call the handler, and map errors (AppError → its status; zod → 400 naming the field; else 500).
 * A handler returns a Response, or a value that is sent as JSON (null/undefined → 204); JSON answers
 * are never stored by caches, since they depend on who asked.
 */
export function route<A extends Access, P extends z.ZodType | undefined = undefined, Q extends z.ZodType | undefined = undefined, B extends z.ZodType | undefined = undefined>(
  options: RouteOptions<A, P, Q, B>,
  handler: Handler<A, P, Q, B>,
) {
  return async (request: Request, context?: RouteContext): Promise<Response> => {
    try {
      const found = options.access === "anyone" ? null : await (options.recentViewer ? getRecentViewer(request.headers) : getViewer(request));
      checkSameOrigin(request.method, request.headers, found);
      const viewer = authorize(found, options.access);
      const params = options.params ? parse(options.params, (await context?.params) ?? {}, "path") : undefined;
      const query = options.query ? parse(options.query, searchParamsObject(new URL(request.url).searchParams), "query") : undefined;
      const body = options.body ? parse(options.body, await readJson(request, options.maxBodyBytes ?? DEFAULT_MAX_BODY), "body") : undefined;
      const result = await handler({ request, viewer, params, query, body } as Parameters<typeof handler>[0]);
      if (result instanceof Response) return result;
      if (result === null || result === undefined) return new Response(null, { status: 204, headers: { "cache-control": "private, no-store" } });
      return Response.json(result, { headers: { "cache-control": "private, no-store" } });
    } catch (error) {
      // Next's own control flow (redirect(), notFound()...) is not an error of ours.
      unstable_rethrow(error);
      return errorResponse(error, request);
    }
  };
}
