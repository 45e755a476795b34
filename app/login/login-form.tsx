"use client";

import { useActionState } from "react";
import { Alert } from "@/components/ui/alert";
import { Input } from "@/components/ui/field";
import { SubmitButton } from "@/components/ui/submit-button";
import { login, type LoginState } from "./actions";

export function LoginForm({ callbackUrl, initialError }: { callbackUrl: string; initialError?: string }) {
  const [state, action] = useActionState<LoginState, FormData>(login, initialError ? { ok: false, error: initialError } : null);
  const limited = state && !state.ok && state.retryAfterSeconds !== undefined;
  return (
    <form action={action} className="mt-6 grid gap-4" noValidate>
      {state && !state.ok && (
        <Alert tone={limited ? "warning" : "error"} role="alert" title={limited ? "Too many attempts" : undefined} data-testid="login-error">
          {state.error}
        </Alert>
      )}
      <input type="hidden" name="callbackUrl" value={callbackUrl} />
      <Input label="Email" name="email" type="email" autoComplete="username" inputMode="email" required autoFocus defaultValue={state?.ok === false ? state.email : undefined} key={state?.ok === false ? state.email : ""} />
      <Input label="Password" name="password" type="password" autoComplete="current-password" required />
      <SubmitButton block pendingLabel="Signing in…">
        Sign in
      </SubmitButton>
    </form>
  );
}
