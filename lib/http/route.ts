import { z } from "zod";
import { getViewer } from "@/lib/auth/session";
import { mayUpload, type Viewer } from "@/lib/auth/viewer";
import { AppError, isAppError } from "@/lib/errors";
import { childLogger } from "@/lib/log";

const log = childLogger("http");

/**
 * public: anyone (viewer may be null) · user: signed in or API token · uploader: may upload ·
 * admin: administrators only. Checked here, inside the handler, whatever proxy.ts did.
 */
export type Access = "public" | "user" | "uploader" | "admin";

type ViewerFor<A extends Access> = A extends "public" ? Viewer | null : Viewer;
type Infer<S> = S extends z.ZodType ? z.infer<S> : undefined;

type RouteContext = { params: Promise<Record<string, string | string[] | undefined>> };

export type Handler<A extends Access, P, Q, B> = (input: {
  request: Request;
  viewer: ViewerFor<A>;
  params: Infer<P>;
  query: Infer<Q>;
  body: Infer<B>;
}) => Promise<Response | object | null | undefined> | Response | object | null | undefined;

export function authorize(viewer: Viewer | null, access: Access): Viewer | null {
  if (access === "public") return viewer;
  if (!viewer) throw new AppError("unauthorized", "Sign in to continue");
  if (access === "admin" && viewer.role !== "admin") throw new AppError("forbidden", "Administrators only");
  if (access === "uploader" && !mayUpload(viewer)) throw new AppError("forbidden", "You are not allowed to upload");
  return viewer;
}

/**
 * The one wrapper every route handler goes through: authorise, validate params/query/body with zod,
 * call the handler, and map errors (AppError → its status; zod → 400 naming the field; else 500).
 * A handler returns a Response, or a value that is sent as JSON (null/undefined → 204).
 */
export function route<A extends Access, P extends z.ZodType | undefined = undefined, Q extends z.ZodType | undefined = undefined, B extends z.ZodType | undefined = undefined>(
  options: { access: A; params?: P; query?: Q; body?: B },
  handler: Handler<A, P, Q, B>,
) {
  return async (request: Request, context?: RouteContext): Promise<Response> => {
    try {
      const viewer = authorize(await getViewer(request), options.access) as ViewerFor<A>;
      const params = options.params ? parse(options.params, (await context?.params) ?? {}, "path") : undefined;
      const query = options.query ? parse(options.query, searchParamsObject(new URL(request.url).searchParams), "query") : undefined;
      const body = options.body ? parse(options.body, await readJson(request), "body") : undefined;
      const result = await handler({ request, viewer, params, query, body } as Parameters<typeof handler>[0]);
      if (result instanceof Response) return result;
      if (result === null || result === undefined) return new Response(null, { status: 204 });
      return Response.json(result);
    } catch (error) {
      return errorResponse(error);
    }
  };
}

export function errorResponse(error: unknown): Response {
  if (isAppError(error)) {
    return Response.json(
      { error: { code: error.code, message: error.message, ...(error.details === undefined ? {} : { details: error.details }) } },
      { status: error.status, headers: error.headers },
    );
  }
  log.error({ err: error }, "unhandled error in route handler");
  return new Response("Internal Server Error", { status: 500, headers: { "content-type": "text/plain" } });
}

function parse<S extends z.ZodType>(schema: S, value: unknown, where: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const fields = result.error.issues.map((i) => ({ field: i.path.join(".") || where, message: i.message }));
  const summary = fields.map((f) => `${f.field}: ${f.message}`).join("; ");
  throw new AppError("bad_request", `Invalid ${where}: ${summary}`, { fields });
}

/** Repeated keys become arrays (`?tags=a&tags=b`); single keys stay strings. */
function searchParamsObject(params: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(params.keys())) {
    const all = params.getAll(key);
    out[key] = all.length > 1 ? all : all[0];
  }
  return out;
}

async function readJson(request: Request): Promise<unknown> {
  const text = await request.text();
  if (!text) return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError("bad_request", "The request body is not valid JSON");
  }
}
