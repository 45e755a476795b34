import { childLogger } from "@/lib/log";
import { clientIp } from "./client-ip";
import { deleteLoginFailures, reserveLoginAttempt } from "./queries";

const log = childLogger("auth");
let warnedUnknownIp = false;

/** The caller's address; without one every caller shares a single rate-limit bucket, which deserves a warning. */
export function requestIp(headers: Headers) {
  const ip = clientIp(headers);
  if (!ip && !warnedUnknownIp) {
    warnedUnknownIp = true;
    log.warn("client address unknown: run Reel behind its own server (npm start), or set REEL_TRUST_PROXY when a proxy is in front");
  }
  return ip;
}

/** More than this many failed sign-ins per address or per account inside the window → refused. */
export const LOGIN_FAILURE_LIMIT = 10;
export const LOGIN_FAILURE_WINDOW_SECONDS = 5 * 60;

export type LoginSubject = { ip: string | null; email?: unknown };

export type Guarded<T> = { limited: false; result: T } | { limited: true; retryAfterSeconds: number };

export function loginFailureKeys({ ip, email }: LoginSubject): string[] {
  const keys = [`ip:${ip ?? "unknown"}`];
  if (typeof email === "string" && email.trim()) keys.push(`account:${email.trim().toLowerCase().slice(0, 320)}`);
  return keys;
}

/**
 * Runs one sign-in attempt under the limit. The attempt is written down as a failure for each key
 * (address, account) before it runs, in the same locked step that counts the earlier ones, so
 * concurrent attempts from any number of processes cannot all slip under the limit. A successful
 * attempt erases its own rows and nothing else: one person's success never resets the counter of
 * others sharing the address. Refused attempts are not written down.
 */
export async function guardLogin<T>(subject: LoginSubject, attempt: () => Promise<{ failed: boolean; result: T }>): Promise<Guarded<T>> {
  const reserved = await reserveLoginAttempt(loginFailureKeys(subject), LOGIN_FAILURE_WINDOW_SECONDS, LOGIN_FAILURE_LIMIT);
  if (reserved.retryAfterSeconds !== undefined) return { limited: true, retryAfterSeconds: reserved.retryAfterSeconds };
  const ids = reserved.ids;
  let outcome: { failed: boolean; result: T };
  try {
    outcome = await attempt();
  } catch (error) {
    // Not a wrong password (a crash, a bad request): it must not count against anyone.
    await deleteLoginFailures(ids);
    throw error;
  }
  if (!outcome.failed) await deleteLoginFailures(ids);
  return { limited: false, result: outcome.result };
}

export function tooManyAttemptsMessage(retryAfterSeconds: number) {
  const minutes = Math.ceil(retryAfterSeconds / 60);
  return `Too many failed sign-in attempts. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`;
}
