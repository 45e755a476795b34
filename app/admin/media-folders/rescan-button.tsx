"use client";

import { useActionState } from "react";
import { SubmitButton } from "@/components/ui/submit-button";
import { rescanAction } from "./actions";

export function RescanButton() {
  const [state, action] = useActionState(rescanAction, null);
  return (
    <form action={action} className="flex flex-wrap items-center gap-3">
      <SubmitButton variant="secondary" pendingLabel="Asking…">
        Rescan all folders
      </SubmitButton>
      {state && (
        <span role="status" className={`text-sm ${state.ok ? "text-muted" : "text-danger"}`}>
          {state.ok ? state.message : state.error}
        </span>
      )}
    </form>
  );
}
