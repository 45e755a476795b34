"use server";

import { requireAccess } from "@/lib/auth/session";
import { formError, type FormState } from "@/lib/http/form";
import { notifyRescan } from "@/lib/media-folders/queries";

/** Administrators only (checked here): the watching worker scans every folder again. */
export async function rescanAction(): Promise<FormState> {
  try {
    await requireAccess("admin");
    await notifyRescan();
    return { ok: true, message: "Rescan requested: new and changed files show up as they are found." };
  } catch (error) {
    return formError(error);
  }
}
