"use server";

import { redirect } from "next/navigation";
import { startSession } from "@/lib/auth/login";
import { formError, formValues, parseForm, type FormState } from "@/lib/http/form";
import { acceptInvite } from "@/lib/users/accounts";
import { choosePasswordSchema } from "@/lib/users/rules";

/** Guarded by the invite token itself: unknown, used or expired links change nothing. */
export async function acceptInviteAction(token: string, _prev: FormState, formData: FormData): Promise<FormState> {
  let email: string;
  let password: string;
  try {
    ({ password } = parseForm(choosePasswordSchema, formValues(formData)));
    const accepted = await acceptInvite(token, password);
    if (!accepted) return { ok: false, error: "This invite link has expired or was already used. Ask an administrator for a new one." };
    email = accepted.email;
  } catch (error) {
    return formError(error);
  }
  await startSession(email, password);
  redirect("/");
}
