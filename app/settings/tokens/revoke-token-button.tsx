"use client";

import { useActionState } from "react";
import { SubmitButton } from "@/components/ui/submit-button";
import { revokeTokenAction } from "./actions";

export function RevokeTokenButton({ id, name }: { id: string; name: string }) {
  const [state, action] = useActionState(revokeTokenAction, null);
  return (
    <form action={action} className="flex items-center gap-3">
      <input type="hidden" name="id" value={id} />
      {state && !state.ok && (
        <span role="alert" className="text-sm text-danger">
          {state.error}
        </span>
      )}
      <SubmitButton variant="danger" size="sm" confirm={`Revoke "${name}"? Scripts using it stop working at once.`} aria-label={`Revoke ${name}`}>
        Revoke
      </SubmitButton>
    </form>
  );
}
