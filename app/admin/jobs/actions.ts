"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { formAction } from "@/lib/guards/form-action";
import { cancelProcessing, retryProcessing } from "@/lib/videos/lifecycle";

const input = z.object({ id: z.uuid(), intent: z.enum(["cancel", "retry"]) });

/** The Cancel and Retry buttons of the jobs page (administrators only, checked here). */
export const videoJobAction = formAction("admin", input, async ({ id, intent }) => {
  if (intent === "cancel") await cancelProcessing(id);
  else await retryProcessing(id);
  revalidatePath("/admin/jobs");
  return { ok: true, message: intent === "cancel" ? "Cancelled." : "Queued again." };
});
