"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { requireAccess } from "@/lib/auth/session";
import { formError, formValues, parseForm, type FormState } from "@/lib/http/form";
import { cancelProcessing, retryProcessing } from "@/lib/videos/lifecycle";

const input = z.object({ id: z.uuid(), intent: z.enum(["cancel", "retry"]) });

/** The Cancel and Retry buttons of the jobs page (administrators only, checked here). */
export async function videoJobAction(_prev: FormState, formData: FormData): Promise<FormState> {
  try {
    await requireAccess("admin");
    const { id, intent } = parseForm(input, formValues(formData));
    if (intent === "cancel") await cancelProcessing(id);
    else await retryProcessing(id);
    revalidatePath("/admin/jobs");
    return { ok: true, message: intent === "cancel" ? "Cancelled." : "Queued again." };
  } catch (error) {
    return formError(error);
  }
}
