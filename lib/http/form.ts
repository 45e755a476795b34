import { unstable_rethrow } from "next/navigation";
import type { z } from "zod";
import { AppError, isAppError } from "@/lib/errors";
import { childLogger } from "@/lib/log";
import { parse } from "./request";

const log = childLogger("action");

/**
 * What a server action hands back to its form (React's useActionState): success with an optional
 * message and data, or an error with per-field messages. `null` is the state before the first submit.
 */
export type FormState<T = undefined> = { ok: true; message?: string; data?: T } | { ok: false; error: string; fields?: Record<string, string> } | null;

/**
 * A form's fields by name, each sent once. A repeated field is refused (400): otherwise the code that checks
 * a value (a rate limit, a permission) and the code that uses it could each read a different copy.
 */
export function singleFields<V>(entries: Iterable<[string, V]>): Map<string, V> {
  const fields = new Map<string, V>();
  for (const [key, value] of entries) {
    if (fields.has(key)) throw new AppError("bad_request", `The field "${key}" was sent more than once`, { fields: [{ field: key, message: "Sent more than once" }] });
    fields.set(key, value);
  }
  return fields;
}

/**
 * The form's text fields as a plain object (files are left out, but may not repeat either); checkboxes come
 * through as "on". Next's own `$ACTION…` fields are not the form's.
 */
export function formValues(formData: FormData): Record<string, string> {
  const out: Record<string, string> = {};
  const own = [...formData].filter(([key]) => !key.startsWith("$ACTION"));
  for (const [key, value] of singleFields(own)) if (typeof value === "string") out[key] = value;
  return out;
}

/** Validates form fields with zod: a failure throws the same 400 AppError as route() does. */
export function parseForm<S extends z.ZodType>(schema: S, value: Record<string, unknown>): z.infer<S> {
  return parse(schema, value, "form");
}

/**
 * Turns an error thrown inside a server action into a form state: AppErrors show their message (and
 * field messages); anything else is logged and shown as a generic failure. Next's redirect()/notFound()
 * pass through.
 */
export function formError(error: unknown): FormState<never> {
  unstable_rethrow(error);
  if (isAppError(error)) {
    const list = (error.details as { fields?: { field: string; message: string }[] } | undefined)?.fields;
    if (list?.length) {
      const fields = Object.fromEntries(list.map((f) => [f.field, f.message]));
      // The field messages sit next to their inputs; the summary only points at them.
      const summary = error.code !== "bad_request" ? error.message : `Please correct the highlighted field${list.length > 1 ? "s" : ""}.`;
      return { ok: false, error: summary, fields };
    }
    return { ok: false, error: error.message };
  }
  log.error({ err: error }, "server action failed");
  return { ok: false, error: "Something went wrong. Please try again." };
}
