"use client";

import { useActionState } from "react";
import { Alert } from "@/components/ui/alert";
import { NewPasswordFields } from "@/components/ui/new-password-fields";
import { SubmitButton } from "@/components/ui/submit-button";
import type { FormState } from "@/lib/http/form";

export function InviteForm({ email, action }: { email: string; action: (prev: FormState, formData: FormData) => Promise<FormState> }) {
  const [state, formAction] = useActionState(action, null);
  const fields = state && !state.ok ? state.fields : undefined;
  return (
    <form action={formAction} className="mt-6 grid gap-4" noValidate>
      {state && !state.ok && <Alert tone="error">{state.error}</Alert>}
      {/* Lets password managers store the new password under the right account. */}
      <input type="email" name="username" autoComplete="username" value={email} readOnly hidden />
      <NewPasswordFields errors={fields} />
      <SubmitButton block pendingLabel="Saving…">
        Set password and sign in
      </SubmitButton>
    </form>
  );
}
