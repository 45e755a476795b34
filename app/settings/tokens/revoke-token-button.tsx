"use client";

import { ItemActionForm } from "@/components/ui/item-action-form";
import { SubmitButton } from "@/components/ui/submit-button";
import { revokeTokenAction } from "./actions";

export function RevokeTokenButton({ id, name }: { id: string; name: string }) {
  return (
    <ItemActionForm action={revokeTokenAction} id={id} className="flex items-center gap-3">
      <SubmitButton variant="danger" size="sm" confirm={`Revoke "${name}"? Scripts using it stop working at once.`} aria-label={`Revoke ${name}`}>
        Revoke
      </SubmitButton>
    </ItemActionForm>
  );
}
