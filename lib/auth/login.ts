import { AppError } from "@/lib/errors";
import { signIn } from "./config";
import { guardLogin, requestIp, tooManyAttemptsMessage } from "./login-limit";

/** The one message for every failed sign-in: nobody learns which accounts exist or are disabled. */
export const INVALID_LOGIN_MESSAGE = "Wrong email or password.";

const CREDENTIALS_CALLBACK = "/api/auth/callback/credentials";


/**
 * The rate limit around Auth.js's credentials endpoint (what scripts and plain HTML forms post to).
 * A refused attempt is a 429 with Retry-After; any other answer is Auth.js's own, and counts as a
 * failure unless it sets a session cookie.
 */
export async function limitCredentialsCallback(request: Request, handle: (request: Request) => Promise<Response>): Promise<Response> {
  if (request.method !== "POST" || new URL(request.url).pathname !== CREDENTIALS_CALLBACK) return handle(request);
  const email = await submittedEmail(request.clone());
  const guarded = await guardLogin({ ip: requestIp(request.headers), email }, async () => {
    const response = await handle(request);
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

async function submittedEmail(request: Request): Promise<unknown> {
  try {
    const type = request.headers.get("content-type") ?? "";
    if (type.includes("application/json")) return ((await request.json()) as { email?: unknown } | null)?.email;
    return new URLSearchParams(await request.text()).get("email");
  } catch {
    return undefined;
  }
}
