"use client";

import { useActionState } from "react";
import { Alert } from "@/components/ui/alert";
import { CopyButton } from "@/components/ui/copy-button";
import { Input } from "@/components/ui/field";
import { SubmitButton } from "@/components/ui/submit-button";
import { createTokenAction } from "./actions";

export function CreateTokenForm() {
  const [state, action] = useActionState(createTokenAction, null);
  return (
    <form action={action} className="mt-5 grid gap-4" noValidate aria-label="New token">
      {state?.ok && state.data && (
        <Alert tone="success" title={`Token "${state.data.name}" created`}>
          <p>Copy it now: it is shown only once.</p>
          <div className="mt-2 flex flex-col gap-2 sm:flex-row sm:items-center">
            <input
              readOnly
              value={state.data.token}
              aria-label="New token"
              data-testid="new-token"
              onFocus={(e) => e.currentTarget.select()}
              className="min-h-11 w-full min-w-0 rounded-lg border border-line bg-surface px-3 font-mono text-xs text-fg"
            />
            <CopyButton value={state.data.token} />
          </div>
        </Alert>
      )}
      {state && !state.ok && <Alert tone="error">{state.error}</Alert>}
      <Input label="Name" name="name" placeholder="e.g. backup script" autoComplete="off" required maxLength={100} error={state && !state.ok ? state.fields?.name : undefined} />
      <SubmitButton pendingLabel="Creating…">Create token</SubmitButton>
    </form>
  );
}
