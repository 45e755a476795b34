"use client";

import { useActionState, type ReactNode } from "react";
import { Alert } from "@/components/ui/alert";
import { Card, CardDescription, CardTitle } from "@/components/ui/card";
import { SubmitButton } from "@/components/ui/submit-button";
import type { FormState } from "@/lib/http/form";

/** One card of the settings page: its fields, a Save button, and what the server said about the last save. */
export function SettingsForm({
  title,
  description,
  action,
  children,
  after,
}: {
  title: string;
  description: ReactNode;
  action: (prev: FormState, formData: FormData) => Promise<FormState>;
  children: ReactNode;
  /** Shown below the form, inside the card (e.g. a table the setting applies to). */
  after?: ReactNode;
}) {
  const [state, formAction] = useActionState(action, null);
  return (
    <Card className="max-w-2xl">
      <CardTitle>{title}</CardTitle>
      <CardDescription>{description}</CardDescription>
      <form action={formAction} className="mt-4 flex flex-col gap-4" aria-label={title}>
        {state?.ok && <Alert tone="success">{state.message}</Alert>}
        {state && !state.ok && <Alert tone="error">{Object.values(state.fields ?? {}).join(" ") || state.error}</Alert>}
        {children}
        <SubmitButton className="self-start" pendingLabel="Saving…">
          Save
        </SubmitButton>
      </form>
      {after}
    </Card>
  );
}
