"use server";

import { headers } from "next/headers";
import { startSession } from "@/lib/auth/login";
import { requireAccess } from "@/lib/auth/session";
import { formError, formValues, parseForm, type FormState } from "@/lib/http/form";
import { changePassword } from "@/lib/users/accounts";
import { changePasswordSchema } from "@/lib/users/rules";

/**
 * The viewer's own password only; the current one is checked under the sign-in limit. Every other device is
 * signed out; this one gets a new session at once.
 */
export async function changePasswordAction(_prev: FormState, formData: FormData): Promise<FormState> {
  try {
    const viewer = await requireAccess("user");
    const input = parseForm(changePasswordSchema, formValues(formData));
    await changePassword(viewer, input, await headers());
    await startSession(viewer.email, input.password);
    return { ok: true, message: "Your password was changed, and your other devices were signed out. Use the new one the next time you sign in." };
  } catch (error) {
    return formError(error);
  }
}
