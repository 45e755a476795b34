import { AppError } from "@/lib/errors";
import { singleFields } from "@/lib/http/form";
import { readBody } from "@/lib/http/request";
import { signIn } from "./config";
import { guardLogin, requestIp, tooManyAttemptsMessage } from "./login-limit";

/** The one message for every failed sign-in: nobody learns which accounts exist or are disabled. */
export const INVALID_LOGIN_MESSAGE = "Wrong email or password.";

const CREDENTIALS_CALLBACK = "/api/auth/callback/credentials";
/** An email, a password (at most 1 KiB: ./config.ts), a CSRF token and a return path fit many times over. */
const MAX_CREDENTIALS_BYTES = 16 * 1024;

/**
 * The rate limit around Auth.js's credentials endpoint (what scripts and plain HTML forms post to).
 * A refused attempt is a 429 with Retry-After; any other answer is Auth.js's own, and counts as a
 * failure unless it sets a session cookie. The body is read once, here: the limit counts the account
 * that Auth.js then signs in, since Auth.js gets the body rebuilt from that same reading.
 */
export async function limitCredentialsCallback(request: Request, handle: (request: Request) => Promise<Response>): Promise<Response> {
  if (request.method !== "POST" || new URL(request.url).pathname !== CREDENTIALS_CALLBACK) return handle(request);
  const credentials = await readCredentials(request);
  const guarded = await guardLogin({ ip: requestIp(request.headers), email: credentials.fields.email }, async () => {
    const response = await handle(credentials.request);
    return { failed: !setsSession(response), result: response };
  });
  if (guarded.limited) {
    throw new AppError("rate_limited", tooManyAttemptsMessage(guarded.retryAfterSeconds), { retryAfterSeconds: guarded.retryAfterSeconds }, {
      "Retry-After": String(guarded.retryAfterSeconds),
    });
  }
  return guarded.result;
}

export type PasswordSignIn = { ok: true } | { ok: false; error: string; retryAfterSeconds?: number };


/** Sign-in from a server action (the /login form), under the same limit; sets the session cookie on success. */
export async function signInWithPassword(email: string, password: string, headers: Headers): Promise<PasswordSignIn> {
  const guarded = await guardLogin({ ip: requestIp(headers), email }, async () => {
    try {
      await signIn("credentials", { email, password, redirect: false });
      return { failed: false, result: true };
    } catch (error) {
      if (isCredentialsError(error)) return { failed: true, result: false };
      throw error;
    }
  });
  if (guarded.limited) return { ok: false, error: tooManyAttemptsMessage(guarded.retryAfterSeconds), retryAfterSeconds: guarded.retryAfterSeconds };
  return guarded.result ? { ok: true } : { ok: false, error: INVALID_LOGIN_MESSAGE };
}

/** Signs in an account whose password was just set (setup, invite): no guessing involved, no limit. */
export async function startSession(email: string, password: string) {
  await signIn("credentials", { email, password, redirect: false });
}

function isCredentialsError(error: unknown) {
  return (error as { type?: string } | null)?.type === "CredentialsSignin";
}

function setsSession(response: Response) {
  return response.headers.getSetCookie().some((c) => /^(__Secure-)?authjs\.session-token(\.\d+)?=[^;]/.test(c));
}

/**
 * The credentials form as Auth.js reads it (url-encoded, or JSON; at most MAX_CREDENTIALS_BYTES), and the
 * request rebuilt from what was read. A url-encoded field sent twice is refused (400); a JSON key sent twice keeps its last value, for the limit and
 * for Auth.js alike, since Auth.js only ever sees the object re-serialised. Other bodies pass unread (Auth.js
 * reads none of them, so the sign-in fails).
 */
async function readCredentials(request: Request): Promise<{ fields: Record<string, unknown>; request: Request }> {
  const type = request.headers.get("content-type") ?? "";
  const json = type.includes("application/json");
  if (!json && !type.includes("application/x-www-form-urlencoded")) return { fields: {}, request };
  const text = (await readBody(request, MAX_CREDENTIALS_BYTES, () => new AppError("payload_too_large", "The sign-in form is too large"))).toString("utf8");
  let fields: Record<string, unknown>;
  let body: string;
  if (json) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new AppError("bad_request", "The request body is not valid JSON");
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new AppError("bad_request", "Expected a JSON object");
    fields = parsed as Record<string, unknown>;
    body = JSON.stringify(fields);
  } else {
    const form = singleFields(new URLSearchParams(text));
    fields = Object.fromEntries(form);
    body = new URLSearchParams([...form]).toString();
  }
  const headers = new Headers(request.headers);
  headers.delete("content-length");
  return { fields, request: new Request(request.url, { method: request.method, headers, body, signal: request.signal }) };
}
