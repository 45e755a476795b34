import type { z } from "zod";
import { requireAccess } from "@/lib/auth/session";
import type { Viewer } from "@/lib/auth/viewer";
import { formError, formValues, parseForm, type FormState } from "@/lib/http/form";

/**
 * The one shape of a signed-in form's server action: the caller must have `access` (lib/auth/access.ts), the
 * form's fields (formValues: each sent once) are parsed with `schema`, and whatever the handler throws becomes
 * the form state (formError). Next's redirect() passes through.
 */
export function formAction<S extends z.ZodType, T = undefined>(
  access: "user" | "admin",
  schema: S,
  handler: (input: z.infer<S>, viewer: Viewer) => Promise<FormState<T>>,
): (prev: FormState<T>, formData: FormData) => Promise<FormState<T>> {
  return async (_prev, formData) => {
    try {
      const viewer = await requireAccess(access);
      return await handler(parseForm(schema, formValues(formData)), viewer);
    } catch (error) {
      return formError(error);
    }
  };
}
