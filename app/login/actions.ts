"use server";

import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { signOut } from "@/lib/auth/config";
import { signInWithPassword } from "@/lib/auth/login";
import { safeReturnPath } from "@/lib/http/redirects";
import { formError, formValues, type FormState } from "@/lib/http/form";

export type LoginState = (NonNullable<FormState> & { retryAfterSeconds?: number; email?: string }) | null;

/** Public by nature: the rate limit and Auth.js's credential check are its guards. */
export async function login(_prev: LoginState, formData: FormData): Promise<LoginState> {
  let values: Record<string, string>;
  try {
    values = formValues(formData);
  } catch (error) {
    return formError(error);
  }
  const { email = "", password = "", callbackUrl } = values;
  const result = await signInWithPassword(email, password, await headers());
  if (!result.ok) return { ok: false, error: result.error, retryAfterSeconds: result.retryAfterSeconds, email };
  redirect(safeReturnPath(callbackUrl));
}

/** Anyone may end their own session. */
export async function logout() {
  await signOut({ redirectTo: "/login" });
}
