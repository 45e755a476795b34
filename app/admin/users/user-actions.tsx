"use client";

import { useActionState } from "react";
import { Alert } from "@/components/ui/alert";
import { SubmitButton } from "@/components/ui/submit-button";
import type { UserSummary } from "@/lib/users/queries";
import { manageUserAction } from "./actions";
import { InviteLink } from "./invite-link";

/** The row's buttons other than Delete, in order: role, upload right, a new invite link, enabled or not. */
function toggles(user: UserSummary, self: boolean): [intent: string, label: string][] {
  const buttons: [string, string][] = [];
  if (!self) buttons.push(user.role === "admin" ? ["make-member", "Make member"] : ["make-admin", "Make admin"]);
  if (user.role === "member") buttons.push(user.canUpload ? ["deny-upload", "Stop uploads"] : ["allow-upload", "Allow uploads"]);
  if (user.status === "invited" || user.status === "invite_expired") buttons.push(["invite", "New invite link"]);
  if (!self) buttons.push(user.status === "disabled" ? ["enable", "Enable"] : ["disable", "Disable"]);
  return buttons;
}

/** The buttons of one account row; the server re-checks every rule (self, last administrator). */
export function UserActions({ user, self }: { user: UserSummary; self: boolean }) {
  const [state, action] = useActionState(manageUserAction, null);
  return (
    <form action={action} className="grid gap-2 sm:justify-items-end">
      <input type="hidden" name="id" value={user.id} />
      <div className="flex flex-wrap gap-2 sm:justify-end">
        {toggles(user, self).map(([intent, label]) => (
          <SubmitButton key={intent} name="intent" value={intent} variant="secondary" size="sm">
            {label}
          </SubmitButton>
        ))}
        {!self && (
          <SubmitButton name="intent" value="delete" variant="danger" size="sm" confirm={`Delete ${user.email}? Their favorites and history go too; their videos stay.`}>
            Delete
          </SubmitButton>
        )}
      </div>
      {state && !state.ok && (
        <Alert tone="error" className="w-full">
          {state.error}
        </Alert>
      )}
      {state?.ok && state.data?.inviteUrl && (
        <Alert tone="success" className="w-full">
          {state.message}
          <InviteLink url={state.data.inviteUrl} />
        </Alert>
      )}
    </form>
  );
}
