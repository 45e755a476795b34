import { db } from "@/lib/db/client";
import { retryOnDeadlock } from "@/lib/db/errors";
import { withCurrentPassword } from "@/lib/auth/current-password";
import { hashPassword } from "@/lib/auth/passwords";
import { endSessions, revokeAllApiTokens } from "@/lib/auth/queries";
import { hashToken, INVITE_PREFIX, newSecret } from "@/lib/auth/tokens";
import type { Viewer } from "@/lib/auth/viewer";
import { AppError } from "@/lib/errors";
import {
  consumeInvite,
  countOtherActiveAdmins,
  deleteUserRow,
  findOpenInvite,
  findUserById,
  hasAnyUser,
  insertUser,
  latestOpenInviteExpiry,
  listUserRows,
  lockAccounts,
  replaceInvite,
  summarize,
  updateUserRow,
  type UserSummary,
} from "./queries";
import { checkChange, checkDeletion, createUserSchema, INVITE_TTL_MS, type CreateUserInput, type UserChange } from "./rules";

/**
 * Account use cases: each one validates, applies the rules in ./rules.ts, and writes in one transaction.
 * The caller has already checked that `actor` is an administrator (route() / requireAccess).
 */

export type Invite = { token: string; expiresAt: Date };

/**
 * Creates the first administrator, or returns null when any account exists already. The check and the
 * insert happen under the accounts lock, so two concurrent set-ups (two browsers, or the browser and
 * REEL_ADMIN_EMAIL at start) never both create one.
 */
export async function createFirstAdmin(input: { name: string; email: string; password: string }): Promise<UserSummary | null> {
  const passwordHash = await hashPassword(input.password);
  return db.transaction(async (tx) => {
    await lockAccounts(tx);
    if (await hasAnyUser(tx)) return null;
    const user = await insertUser(tx, { name: input.name, email: input.email, role: "admin", canUpload: true, passwordHash });
    return summarize(user);
  });
}

let setUp = false;
/** Whether any account exists. Once true it stays true (the last administrator cannot be deleted), so it is cached. */
export async function isSetUp(): Promise<boolean> {
  setUp ||= await hasAnyUser();
  return setUp;
}

export async function listUsers(): Promise<UserSummary[]> {
  return (await listUserRows()).map((r) => summarize(r.user, r.inviteExpiresAt));
}

export async function getUser(id: string): Promise<UserSummary> {
  const user = await findUserById(db, id);
  if (!user) throw notFound();
  return summarize(user, await latestOpenInviteExpiry(db, id));
}

/** With a password the account is ready at once; without one, it gets an invite link (returned once). */
export async function createUser(actor: Viewer, input: CreateUserInput): Promise<{ user: UserSummary; invite: Invite | null }> {
  const data = createUserSchema.parse(input);
  const passwordHash = data.password ? await hashPassword(data.password) : null;
  const secret = passwordHash ? null : newSecret(INVITE_PREFIX);
  return db.transaction(async (tx) => {
    const user = await insertUser(tx, { name: data.name, email: data.email, role: data.role, canUpload: data.canUpload, passwordHash });
    if (!secret) return { user: summarize(user), invite: null };
    const expiresAt = new Date(Date.now() + INVITE_TTL_MS);
    await replaceInvite(tx, { userId: user.id, tokenHash: secret.tokenHash, createdBy: actor.id, expiresAt });
    return { user: summarize(user, expiresAt), invite: { token: secret.token, expiresAt } };
  });
}

/** A fresh link for an account that has not chosen a password yet; earlier links stop working. */
export async function reissueInvite(actor: Viewer, userId: string): Promise<Invite> {
  const secret = newSecret(INVITE_PREFIX);
  const expiresAt = new Date(Date.now() + INVITE_TTL_MS);
  await db.transaction(async (tx) => {
    const user = await findUserById(tx, userId);
    if (!user) throw notFound();
    if (user.passwordHash) throw new AppError("conflict", "This account already has a password");
    if (user.disabledAt) throw new AppError("conflict", "Enable the account before inviting");
    await replaceInvite(tx, { userId, tokenHash: secret.tokenHash, createdBy: actor.id, expiresAt });
  });
  return { token: secret.token, expiresAt };
}

export async function updateUser(actor: Viewer, id: string, change: UserChange): Promise<UserSummary> {
  return db.transaction(async (tx) => {
    await lockAccounts(tx);
    const target = await findUserById(tx, id);
    if (!target) throw notFound();
    checkChange(actor.id, target, change, await countOtherActiveAdmins(tx, id));
    // Disabling ends the account's sessions and revokes its API tokens, so enabling it later revives neither.
    if (change.disabled && !target.disabledAt) {
      await endSessions(tx, id);
      await revokeAllApiTokens(tx, id);
    }
    const updated = await updateUserRow(tx, id, {
      ...(change.name !== undefined && { name: change.name }),
      ...(change.role !== undefined && { role: change.role }),
      ...(change.canUpload !== undefined && { canUpload: change.canUpload }),
      ...(change.disabled !== undefined && { disabledAt: change.disabled ? (target.disabledAt ?? new Date()) : null }),
    });
    return summarize(updated!, await latestOpenInviteExpiry(tx, id));
  });
}

export async function deleteUser(actor: Viewer, id: string): Promise<void> {
  await retryOnDeadlock(() =>
    db.transaction(async (tx) => {
      await lockAccounts(tx);
      const target = await findUserById(tx, id);
      if (!target) throw notFound();
      checkDeletion(actor.id, target, await countOtherActiveAdmins(tx, id));
      await deleteUserRow(tx, id);
    }),
  );
}

/** Who an invite link is for, or null when it is unknown, used, expired or the account is disabled. */
export async function inviteFor(token: string): Promise<{ name: string; email: string; expiresAt: Date } | null> {
  const found = await findOpenInvite(hashToken(token));
  return found ? { name: found.user.name, email: found.user.email, expiresAt: found.expiresAt } : null;
}

/** Sets the invited user's password and uses up the link; null when the link no longer works. */
export async function acceptInvite(token: string, password: string): Promise<{ email: string } | null> {
  const passwordHash = await hashPassword(password);
  return db.transaction(async (tx) => {
    const userId = await consumeInvite(tx, hashToken(token));
    const user = userId ? await findUserById(tx, userId) : null;
    // A disabled account's link is spent without effect: the admin issues a new one after re-enabling.
    if (!user || user.disabledAt) return null;
    await updateUserRow(tx, user.id, { passwordHash });
    return { email: user.email };
  });
}

/**
 * Replaces the viewer's own password once the current one is confirmed (lib/auth/login.ts: under the sign-in
 * limit) and ends every session of the account, this one included (the caller signs this device in again).
 * A wrong current password is a field error.
 */
export async function changePassword(viewer: Viewer, input: { currentPassword: string; password: string }, headers: Headers): Promise<void> {
  const changed = await withCurrentPassword(viewer, input.currentPassword, headers, async () => {
    const passwordHash = await hashPassword(input.password);
    await db.transaction(async (tx) => {
      await updateUserRow(tx, viewer.id, { passwordHash });
      await endSessions(tx, viewer.id);
    });
  });
  if (!changed) {
    throw new AppError("bad_request", "Your current password is not right", { fields: [{ field: "currentPassword", message: "This is not your current password" }] });
  }
}

/** "Sign out of all devices": every session of the viewer ends, this one included. API tokens stay (they are revoked one by one). */
export async function signOutEverywhere(viewer: Viewer): Promise<void> {
  await endSessions(db, viewer.id);
}

/** The link people open to accept an invite. */
export function inviteUrl(origin: string, token: string) {
  return new URL(`/invite/${encodeURIComponent(token)}`, origin).toString();
}

function notFound() {
  return new AppError("not_found", "No such user");
}
