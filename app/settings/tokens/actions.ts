"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { createApiToken, revokeApiToken, tokenNameSchema } from "@/lib/auth/api-tokens";
import { requireAccess } from "@/lib/auth/session";
import { AppError } from "@/lib/errors";
import { formError, formValues, parseForm, type FormState } from "@/lib/http/form";

export async function createTokenAction(_prev: FormState<{ token: string; name: string }>, formData: FormData): Promise<FormState<{ token: string; name: string }>> {
  try {
    const viewer = await requireAccess("user");
    const { name } = parseForm(z.object({ name: tokenNameSchema }), formValues(formData));
    const created = await createApiToken(viewer.id, name);
    revalidatePath("/settings/tokens");
    return { ok: true, data: { token: created.token, name: created.name } };
  } catch (error) {
    return formError(error);
  }
}

/** Only the viewer's own tokens can be revoked here. */
export async function revokeTokenAction(_prev: FormState, formData: FormData): Promise<FormState> {
  try {
    const viewer = await requireAccess("user");
    const { id } = parseForm(z.object({ id: z.uuid() }), formValues(formData));
    if (!(await revokeApiToken(viewer.id, id))) throw new AppError("not_found", "No such token");
    revalidatePath("/settings/tokens");
    return { ok: true };
  } catch (error) {
    return formError(error);
  }
}
