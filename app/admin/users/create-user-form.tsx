"use client";

import { useActionState, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Checkbox, Input, Select } from "@/components/ui/field";
import { SubmitButton } from "@/components/ui/submit-button";
import { cx } from "@/components/ui/cx";
import { MIN_PASSWORD_LENGTH } from "@/lib/users/limits";
import { createUserAction } from "./actions";
import { InviteLink } from "./invite-link";

export function CreateUserForm() {
  const [state, action] = useActionState(createUserAction, null);
  const [mode, setMode] = useState<"invite" | "password">("invite");
  const fields = state && !state.ok ? state.fields : undefined;
  return (
    <form action={action} className="mt-5 grid gap-4" noValidate aria-label="Add a user">
      {state?.ok && (
        <Alert tone="success">
          {state.message}
          {state.data?.inviteUrl && <InviteLink url={state.data.inviteUrl} />}
        </Alert>
      )}
      {state && !state.ok && <Alert tone="error">{state.error}</Alert>}
      <Input label="Name" name="name" autoComplete="off" required error={fields?.name} />
      <Input label="Email" name="email" type="email" autoComplete="off" inputMode="email" required error={fields?.email} />
      <Select label="Role" name="role" defaultValue="member" hint="Admins manage users and settings, and may always upload.">
        <option value="member">Member</option>
        <option value="admin">Admin</option>
      </Select>
      <Checkbox label="May upload videos" name="canUpload" />
      <fieldset className="grid gap-2">
        <legend className="mb-1.5 text-sm font-medium">How they get in</legend>
        <div className="grid grid-cols-2 gap-2">
          {(["invite", "password"] as const).map((m) => (
            <label
              key={m}
              className={cx(
                "flex min-h-11 cursor-pointer items-center justify-center gap-2 rounded-lg border px-3 text-sm font-medium has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-focus",
                mode === m ? "border-accent bg-accent/10" : "border-line hover:border-line-strong",
              )}
            >
              <input type="radio" name="mode" value={m} checked={mode === m} onChange={() => setMode(m)} className="sr-only" />
              {m === "invite" ? "Invite link" : "Set a password"}
            </label>
          ))}
        </div>
      </fieldset>
      {mode === "password" && (
        <Input
          label="Password"
          name="password"
          type="password"
          autoComplete="new-password"
          minLength={MIN_PASSWORD_LENGTH}
          hint={`At least ${MIN_PASSWORD_LENGTH} characters. Tell them to keep it safe.`}
          error={fields?.password}
        />
      )}
      <SubmitButton pendingLabel="Adding…">{mode === "invite" ? "Add and create invite link" : "Add user"}</SubmitButton>
    </form>
  );
}
