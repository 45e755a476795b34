"use client";

import { useActionState } from "react";
import { Alert } from "@/components/ui/alert";
import { Input } from "@/components/ui/field";
import { NewPasswordFields } from "@/components/ui/new-password-fields";
import { SubmitButton } from "@/components/ui/submit-button";
import { setup, type SetupState } from "./actions";

export function SetupForm() {
  const [state, action] = useActionState<SetupState, FormData>(setup, null);
  const fields = state && !state.ok ? state.fields : undefined;
  const values = state && !state.ok ? state.values : undefined;
  return (
    <form action={action} className="mt-6 grid gap-4" noValidate key={JSON.stringify(values ?? {})}>
      {state && !state.ok && <Alert tone="error">{state.error}</Alert>}
      <Input label="Your name" name="name" autoComplete="name" required defaultValue={values?.name} error={fields?.name} />
      <Input label="Email" name="email" type="email" autoComplete="username" inputMode="email" required defaultValue={values?.email} error={fields?.email} />
      <NewPasswordFields errors={fields} />
      <SubmitButton block pendingLabel="Creating account…">
        Create administrator
      </SubmitButton>
    </form>
  );
}
