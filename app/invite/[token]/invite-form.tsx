"use client";

import { useActionState } from "react";
import { Alert } from "@/components/ui/alert";
import { Input } from "@/components/ui/field";
import { SubmitButton } from "@/components/ui/submit-button";
import type { FormState } from "@/lib/http/form";
import { MIN_PASSWORD_LENGTH } from "@/lib/users/rules";

export function InviteForm({ email, action }: { email: string; action: (prev: FormState, formData: FormData) => Promise<FormState> }) {
  const [state, formAction] = useActionState(action, null);
  const fields = state && !state.ok ? state.fields : undefined;
  return (
    <form action={formAction} className="mt-6 grid gap-4" noValidate>
      {state && !state.ok && <Alert tone="error">{state.error}</Alert>}
      {/* Lets password managers store the new password under the right account. */}
      <input type="email" name="username" autoComplete="username" value={email} readOnly hidden />
      <Input
        label="Password"
        name="password"
        type="password"
        autoComplete="new-password"
        required
        minLength={MIN_PASSWORD_LENGTH}
        hint={`At least ${MIN_PASSWORD_LENGTH} characters.`}
        error={fields?.password}
      />
      <Input label="Confirm password" name="confirmPassword" type="password" autoComplete="new-password" required error={fields?.confirmPassword} />
      <SubmitButton block pendingLabel="Saving…">
        Set password and sign in
      </SubmitButton>
    </form>
  );
}
