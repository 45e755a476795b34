"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { createApiToken, revokeApiToken, tokenNameSchema } from "@/lib/auth/api-tokens";
import { AppError } from "@/lib/errors";
import { formAction } from "@/lib/guards/form-action";

export const createTokenAction = formAction("user", z.object({ name: tokenNameSchema }), async ({ name }, viewer) => {
  const created = await createApiToken(viewer.id, name);
  revalidatePath("/settings/tokens");
  return { ok: true, data: { token: created.token, name: created.name } };
});

/** Only the viewer's own tokens can be revoked here. */
export const revokeTokenAction = formAction("user", z.object({ id: z.uuid() }), async ({ id }, viewer) => {
  if (!(await revokeApiToken(viewer.id, id))) throw new AppError("not_found", "No such token");
  revalidatePath("/settings/tokens");
  return { ok: true };
});
