"use server";

import { z } from "zod";
import { formAction } from "@/lib/guards/form-action";
import { notifyRescan } from "@/lib/media-folders/queries";

/** Administrators only (checked here): the watching worker scans every folder again. */
export const rescanAction = formAction("admin", z.object({}), async () => {
  await notifyRescan();
  return { ok: true, message: "Rescan requested: new and changed files show up as they are found." };
});
