"use server";

import { redirect } from "next/navigation";
import { startSession } from "@/lib/auth/login";
import { formError, formValues, parseForm, type FormState } from "@/lib/http/form";
import { createFirstAdmin, isSetUp } from "@/lib/users/accounts";
import { setupSchema } from "@/lib/users/rules";

export type SetupState = (NonNullable<FormState> & { values?: { name?: string; email?: string } }) | null;

/**
 * Open only while Reel has no account; createFirstAdmin re-checks that under a lock, so a second
 * concurrent set-up gets nothing.
 */
export async function setup(_prev: SetupState, formData: FormData): Promise<SetupState> {
  if (await isSetUp()) redirect("/login");
  const values = formValues(formData);
  let email: string;
  try {
    const input = parseForm(setupSchema, values);
    const admin = await createFirstAdmin(input);
    if (!admin) return { ok: false, error: "Reel has already been set up. Sign in instead." };
    email = admin.email;
  } catch (error) {
    return { ...formError(error)!, values: { name: values.name, email: values.email } };
  }
  await startSession(email, values.password);
  redirect("/");
}
