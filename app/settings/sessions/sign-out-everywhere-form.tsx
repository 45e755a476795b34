"use client";

import { useActionState } from "react";
import { Alert } from "@/components/ui/alert";
import { SubmitButton } from "@/components/ui/submit-button";
import { signOutEverywhereAction } from "./actions";

export function SignOutEverywhereForm() {
  const [state, action] = useActionState(signOutEverywhereAction, null);
  return (
    <form action={action} className="mt-4 grid justify-items-start gap-3" aria-label="Sign out of all devices">
      {state && !state.ok && <Alert tone="error">{state.error}</Alert>}
      <SubmitButton variant="danger" pendingLabel="Signing out…" confirm="Sign out of Reel on every device, this one included?">
        Sign out of all devices
      </SubmitButton>
    </form>
  );
}
