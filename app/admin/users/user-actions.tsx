"use client";

import { useActionState } from "react";
import { Alert } from "@/components/ui/alert";
import { SubmitButton } from "@/components/ui/submit-button";
import type { UserSummary } from "@/lib/users/queries";
import { manageUserAction } from "./actions";
import { InviteLink } from "./invite-link";

/** The buttons of one account row; the server re-checks every rule (self, last administrator). */
export function UserActions({ user, self }: { user: UserSummary; self: boolean }) {
  const [state, action] = useActionState(manageUserAction, null);
  const pending = user.status === "invited" || user.status === "invite_expired";
  return (
    <form action={action} className="grid gap-2 sm:justify-items-end">
      <input type="hidden" name="id" value={user.id} />
      <div className="flex flex-wrap gap-2 sm:justify-end">
        {!self &&
          (user.role === "admin" ? (
            <SubmitButton name="intent" value="make-member" variant="secondary" size="sm">
              Make member
            </SubmitButton>
          ) : (
            <SubmitButton name="intent" value="make-admin" variant="secondary" size="sm">
              Make admin
            </SubmitButton>
          ))}
        {user.role === "member" &&
          (user.canUpload ? (
            <SubmitButton name="intent" value="deny-upload" variant="secondary" size="sm">
              Stop uploads
            </SubmitButton>
          ) : (
            <SubmitButton name="intent" value="allow-upload" variant="secondary" size="sm">
              Allow uploads
            </SubmitButton>
          ))}
        {pending && (
          <SubmitButton name="intent" value="invite" variant="secondary" size="sm">
            New invite link
          </SubmitButton>
        )}
        {!self &&
          (user.status === "disabled" ? (
            <SubmitButton name="intent" value="enable" variant="secondary" size="sm">
              Enable
            </SubmitButton>
          ) : (
            <SubmitButton name="intent" value="disable" variant="secondary" size="sm">
              Disable
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
