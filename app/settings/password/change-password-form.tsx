"use client";

import { useActionState } from "react";
import { Alert } from "@/components/ui/alert";
import { Input } from "@/components/ui/field";
import { NewPasswordFields } from "@/components/ui/new-password-fields";
import { SubmitButton } from "@/components/ui/submit-button";
import { changePasswordAction } from "./actions";

export function ChangePasswordForm({ email }: { email: string }) {
  const [state, action] = useActionState(changePasswordAction, null);
  const fields = state && !state.ok ? state.fields : undefined;
  return (
    // A new key after success empties the fields, so the new password does not linger in the form.
    <form key={state?.ok ? "done" : "form"} action={action} className="mt-5 grid gap-4" noValidate aria-label="Change password">
      {state?.ok && <Alert tone="success">{state.message}</Alert>}
      {state && !state.ok && <Alert tone="error">{state.error}</Alert>}
      {/* Lets password managers update the right account. */}
      <input type="email" name="username" autoComplete="username" value={email} readOnly hidden />
      <Input label="Current password" name="currentPassword" type="password" autoComplete="current-password" required error={fields?.currentPassword} />
      <NewPasswordFields errors={fields} label="New password" />
      <SubmitButton pendingLabel="Saving…">Change password</SubmitButton>
    </form>
  );
}
