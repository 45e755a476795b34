import { AppError } from "@/lib/errors";
import { guardLogin, requestIp, tooManyAttemptsMessage } from "./login-limit";
import { verifyPassword } from "./passwords";
import { findPasswordHash } from "./queries";
import type { Viewer } from "./viewer";

/**
 * Runs `change` only if `password` is the viewer's current one, under the sign-in limit of their account and
 * address: a session left open (or stolen) must not become a way to guess the password. False when it is wrong.
 */
export async function withCurrentPassword(viewer: Viewer, password: string, headers: Headers, change: () => Promise<void>): Promise<boolean> {
  const guarded = await guardLogin({ ip: requestIp(headers), email: viewer.email }, async () => {
    const hash = await findPasswordHash(viewer.id);
    if (!hash || !(await verifyPassword(hash, password))) return { failed: true, result: false };
    await change();
    return { failed: false, result: true };
  });
  if (guarded.limited) {
    throw new AppError("rate_limited", tooManyAttemptsMessage(guarded.retryAfterSeconds), { retryAfterSeconds: guarded.retryAfterSeconds });
  }
  return guarded.result;
}
