"use server";

import { headers } from "next/headers";
import { requireViewer } from "@/lib/auth/session";
import { formError, formValues, parseForm, type FormState } from "@/lib/http/form";
import { changePassword } from "@/lib/users/accounts";
import { changePasswordSchema } from "@/lib/users/rules";

/** The viewer's own password only; the current one is checked under the sign-in limit. */
export async function changePasswordAction(_prev: FormState, formData: FormData): Promise<FormState> {
  try {
    const viewer = await requireViewer();
    const input = parseForm(changePasswordSchema, formValues(formData));
    await changePassword(viewer, input, await headers());
    return { ok: true, message: "Your password was changed. Use it the next time you sign in." };
  } catch (error) {
    return formError(error);
  }
}
