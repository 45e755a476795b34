"use server";

import { signOut } from "@/lib/auth/config";
import { requireAccess } from "@/lib/auth/session";
import { formError, type FormState } from "@/lib/http/form";
import { signOutEverywhere } from "@/lib/users/accounts";

/** Ends every session of the viewer's account, then this one's cookie too: back to the sign-in page. */
export async function signOutEverywhereAction(): Promise<FormState> {
  try {
    await signOutEverywhere(await requireAccess("user"));
  } catch (error) {
    return formError(error);
  }
  await signOut({ redirectTo: "/login" });
  return null;
}
