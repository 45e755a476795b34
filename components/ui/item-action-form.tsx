"use client";

import { useActionState, type ReactNode } from "react";
import type { FormState } from "@/lib/http/form";

/**
 * The buttons acting on one item of a list (a job's video, a token), in a form that sends the item's `id`; when the
 * server refuses, its reason shows before them.
 */
export function ItemActionForm<T>({ action, id, className = "flex items-center gap-2", children }: { action: (state: FormState<T>, formData: FormData) => Promise<FormState<T>>; id: string; className?: string; children: ReactNode }) {
  const [state, formAction] = useActionState(action, null);
  return (
    <form action={formAction} className={className}>
      <input type="hidden" name="id" value={id} />
      {state && !state.ok && (
        <span role="alert" className="text-xs text-danger">
          {state.error}
        </span>
      )}
      {children}
    </form>
  );
}
