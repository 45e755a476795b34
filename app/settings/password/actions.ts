"use server";

import { headers } from "next/headers";
import { startSession } from "@/lib/auth/login";
import { formAction } from "@/lib/guards/form-action";
import { changePassword } from "@/lib/users/accounts";
import { changePasswordSchema } from "@/lib/users/rules";

/**
 * The viewer's own password only; the current one is checked under the sign-in limit. Every other device is
 * signed out; this one gets a new session at once.
 */
export const changePasswordAction = formAction("user", changePasswordSchema, async (input, viewer) => {
  await changePassword(viewer, input, await headers());
  await startSession(viewer.email, input.password);
  return { ok: true, message: "Your password was changed, and your other devices were signed out. Use the new one the next time you sign in." };
});
