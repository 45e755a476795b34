"use server";

import { revalidatePath } from "next/cache";
import { headers } from "next/headers";
import { z } from "zod";
import { formAction } from "@/lib/guards/form-action";
import type { FormState } from "@/lib/http/form";
import { publicOrigin } from "@/lib/http/origin";
import { createUser, deleteUser, inviteUrl, reissueInvite, updateUser } from "@/lib/users/accounts";
import { createUserSchema, type UserChange } from "@/lib/users/rules";

export type InviteResult = { email: string; inviteUrl: string | null };

/** The form's fields as createUserSchema takes them: the mode radio says whether a password was given. */
const createUserForm = z.preprocess((raw) => {
  const v = raw as Record<string, string>;
  return { name: v.name, email: v.email, role: v.role, canUpload: v.canUpload === "on", password: v.mode === "password" ? v.password : undefined };
}, createUserSchema);

export const createUserAction = formAction<typeof createUserForm, InviteResult>("admin", createUserForm, async (input, admin) => {
  const { user, invite } = await createUser(admin, input);
  revalidatePath("/admin/users");
  const link = invite && inviteUrl(publicOrigin(await headers()), invite.token);
  return {
    ok: true,
    message: link ? `${user.email} was added. Send them this invite link; it works once, for 7 days.` : `${user.email} can sign in now.`,
    data: { email: user.email, inviteUrl: link },
  };
});

const intents = ["make-admin", "make-member", "allow-upload", "deny-upload", "disable", "enable", "invite", "delete"] as const;
const manageSchema = z.object({ id: z.uuid(), intent: z.enum(intents) });

const changes: Record<Exclude<(typeof intents)[number], "invite" | "delete">, UserChange> = {
  "make-admin": { role: "admin" },
  "make-member": { role: "member" },
  "allow-upload": { canUpload: true },
  "deny-upload": { canUpload: false },
  disable: { disabled: true },
  enable: { disabled: false },
};

/** One action for a user row's buttons; the button pressed says what to do. */
export const manageUserAction = formAction<typeof manageSchema, InviteResult>("admin", manageSchema, async ({ id, intent }, admin) => {
  let result: FormState<InviteResult> = { ok: true };
  if (intent === "delete") {
    await deleteUser(admin, id);
  } else if (intent === "invite") {
    const invite = await reissueInvite(admin, id);
    result = { ok: true, message: "New invite link (earlier links no longer work):", data: { email: "", inviteUrl: inviteUrl(publicOrigin(await headers()), invite.token) } };
  } else {
    await updateUser(admin, id, changes[intent]);
  }
  revalidatePath("/admin/users");
  return result;
});
