import type { IncomingMessage } from "node:http";
import { z } from "zod";
import { isForeignKeyViolation } from "@/lib/db/errors";
import { AppError, isAppError } from "@/lib/errors";
import { childLogger } from "@/lib/log";

/**
 * Reading and answering requests: parsing with zod, bounded bodies, and AppErrors as JSON answers. Who may ask is
 * lib/guards/'s part.
 */

const log = childLogger("http");

/** An error as the answer to send: status, headers and body. */
export type ErrorAnswer = { status: number; headers: Record<string, string>; body: string };

/** AppErrors as their JSON answer, anything else as a logged 500 (`method` and `path` go to the log). */
export function errorAnswer(error: unknown, request?: { method?: string; path?: string }): ErrorAnswer {
  // What the request refers to was deleted meanwhile (a beacon from a closing tab about a video or an account
  // that is gone): the same answer as if it had been deleted before the request came.
  if (isForeignKeyViolation(error)) return errorAnswer(new AppError("not_found", "What this request refers to no longer exists"), request);
  if (isAppError(error)) {
    return {
      status: error.status,
      headers: { "content-type": "application/json", "cache-control": "private, no-store", ...error.headers },
      body: JSON.stringify({ error: { code: error.code, message: error.message, ...(error.details === undefined ? {} : { details: error.details }) } }),
    };
  }
  log.error({ err: error, method: request?.method, path: request?.path }, "unhandled error in route handler");
  return { status: 500, headers: { "content-type": "text/plain" }, body: "Internal Server Error" };
}

export function errorResponse(error: unknown, request?: Request): Response {
  const { status, headers, body } = errorAnswer(error, request && { method: request.method, path: new URL(request.url).pathname });
  return new Response(body, { status, headers });
}

/** Validates with zod; a failure becomes a 400 whose message and details name each bad field. */
export function parse<S extends z.ZodType>(schema: S, value: unknown, where: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const fields = result.error.issues.map((i) => ({ field: i.path.join(".") || where, message: i.message }));
  const summary = fields.map((f) => `${f.field}: ${f.message}`).join("; ");
  throw new AppError("bad_request", `Invalid ${where}: ${summary}`, { fields });
}

/** Repeated keys become arrays (`?tags=a&tags=b`); single keys stay strings. */
export function searchParamsObject(params: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(params.keys())) {
    const all = params.getAll(key);
    out[key] = all.length > 1 ? all : all[0];
  }
  return out;
}

/**
 * The request body, read with a running count (a chunked body has no length to check up front): over `maxBytes`
 * it stops reading and throws `tooLarge()`. A body that breaks off is the client's doing (a closing tab cuts its
 * keepalive beacons, an upload is cancelled): a 400, not a 500 in the log.
 */
export async function readBody(request: Request, maxBytes: number, tooLarge: () => AppError): Promise<Buffer<ArrayBuffer>> {
  if (Number(request.headers.get("content-length") ?? 0) > maxBytes) throw tooLarge();
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (request.body) {
    const reader = request.body.getReader();
    const read = () =>
      reader.read().catch(() => {
        throw new AppError("bad_request", "The request body ended before it was complete");
      });
    for (let next = await read(); !next.done; next = await read()) {
      size += next.value.byteLength;
      if (size > maxBytes) {
        await reader.cancel();
        throw tooLarge();
      }
      chunks.push(next.value);
    }
  }
  return Buffer.concat(chunks);
}

/** readBody for a Node request, read as it arrives (Reel's Node server; no Fetch stream in between). */
export function readNodeBody(req: IncomingMessage, maxBytes: number, tooLarge: () => AppError): Promise<Buffer> {
  if (Number(req.headers["content-length"] ?? 0) > maxBytes) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const done = (error?: AppError) => {
      if (settled) return;
      settled = true;
      // What is left of a refused body flows on unread, and Node drops it.
      req.off("data", onData);
      if (error) reject(error);
      else resolve(Buffer.concat(chunks, size));
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) done(tooLarge());
      else chunks.push(chunk);
    };
    const broken = () => done(new AppError("bad_request", "The request body ended before it was complete"));
    req.on("data", onData).once("end", () => done()).on("error", broken).once("close", () => req.complete || broken());
  });
}

/** The body as JSON (empty → {}), at most `maxBytes`. */
export async function readJson(request: Request | IncomingMessage, maxBytes: number): Promise<unknown> {
  const tooLargeError = () => tooLarge(maxBytes);
  const bytes = request instanceof Request ? await readBody(request, maxBytes, tooLargeError) : await readNodeBody(request, maxBytes, tooLargeError);
  const text = bytes.toString("utf8");
  if (!text.trim()) return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError("bad_request", "The request body is not valid JSON");
  }
}

function tooLarge(maxBytes: number) {
  return new AppError("payload_too_large", `The request body is larger than ${maxBytes} bytes`);
}
