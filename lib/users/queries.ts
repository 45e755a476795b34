import "server-only";
import { and, asc, eq, gt, isNull, ne, sql } from "drizzle-orm";
import { db, type Db, type Tx } from "@/lib/db/client";
import { isUniqueViolation } from "@/lib/db/errors";
import { invites, users, type NewUser, type User } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { userStatus, type UserStatus } from "./rules";

type Executor = Db | Tx;

/** What the UI and the JSON API show of an account: never the password hash. */
export type UserSummary = {
  id: string;
  email: string;
  name: string;
  role: User["role"];
  canUpload: boolean;
  status: UserStatus;
  createdAt: Date;
  lastLoginAt: Date | null;
  inviteExpiresAt: Date | null;
};

export function summarize(user: User, inviteExpiresAt: Date | null = null): UserSummary {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    canUpload: user.canUpload,
    status: userStatus(user, inviteExpiresAt),
    createdAt: user.createdAt,
    lastLoginAt: user.lastLoginAt,
    inviteExpiresAt: user.passwordHash ? null : inviteExpiresAt,
  };
}

/**
 * Serialises every change that could leave Reel without an administrator (first-run setup, demoting,
 * disabling, deleting): taken inside the transaction, released at its end.
 */
export async function lockAccounts(tx: Tx) {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext('reel.accounts'))`);
}

export async function hasAnyUser(exec: Executor = db): Promise<boolean> {
  const rows = await exec.select({ one: sql`1` }).from(users).limit(1);
  return rows.length > 0;
}

export async function countOtherActiveAdmins(exec: Executor, exceptId: string): Promise<number> {
  const [row] = await exec
    .select({ n: sql<number>`count(*)::int` })
    .from(users)
    .where(and(eq(users.role, "admin"), isNull(users.disabledAt), ne(users.id, exceptId)));
  return row.n;
}

export async function insertUser(exec: Executor, values: NewUser): Promise<User> {
  try {
    const [user] = await exec.insert(users).values(values).returning();
    return user;
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError("conflict", "An account with this email already exists", { fields: [{ field: "email", message: "Already in use" }] });
    throw error;
  }
}

export async function findUserById(exec: Executor, id: string): Promise<User | null> {
  const [user] = await exec.select().from(users).where(eq(users.id, id)).limit(1);
  return user ?? null;
}

export async function updateUserRow(exec: Executor, id: string, patch: Partial<Pick<User, "name" | "role" | "canUpload" | "disabledAt" | "passwordHash">>) {
  const [user] = await exec.update(users).set(patch).where(eq(users.id, id)).returning();
  return user ?? null;
}

export async function deleteUserRow(exec: Executor, id: string): Promise<boolean> {
  const rows = await exec.delete(users).where(eq(users.id, id)).returning({ id: users.id });
  return rows.length > 0;
}

/** Every account, oldest first, with the expiry of its newest open invite. */
export async function listUserRows(): Promise<{ user: User; inviteExpiresAt: Date | null }[]> {
  const open = db
    .select({ userId: invites.userId, expiresAt: sql<Date>`max(${invites.expiresAt})`.as("expires_at") })
    .from(invites)
    .where(isNull(invites.usedAt))
    .groupBy(invites.userId)
    .as("open_invites");
  const rows = await db
    .select({ user: users, inviteExpiresAt: open.expiresAt })
    .from(users)
    .leftJoin(open, eq(open.userId, users.id))
    .orderBy(asc(users.createdAt), asc(users.email));
  return rows.map((r) => ({ user: r.user, inviteExpiresAt: r.inviteExpiresAt ? new Date(r.inviteExpiresAt) : null }));
}

export async function latestOpenInviteExpiry(exec: Executor, userId: string): Promise<Date | null> {
  const [row] = await exec
    .select({ expiresAt: sql<Date | null>`max(${invites.expiresAt})` })
    .from(invites)
    .where(and(eq(invites.userId, userId), isNull(invites.usedAt)));
  return row?.expiresAt ? new Date(row.expiresAt) : null;
}

/** A new link replaces the user's earlier unused ones, so only the newest one works. */
export async function replaceInvite(exec: Executor, values: { userId: string; tokenHash: string; createdBy: string | null; expiresAt: Date }) {
  await exec.delete(invites).where(and(eq(invites.userId, values.userId), isNull(invites.usedAt)));
  await exec.insert(invites).values(values);
}

/** The account behind an unused, unexpired invite (for showing the page; accepting is consumeInvite). */
export async function findOpenInvite(tokenHash: string): Promise<{ user: User; expiresAt: Date } | null> {
  const [row] = await db
    .select({ user: users, expiresAt: invites.expiresAt })
    .from(invites)
    .innerJoin(users, eq(users.id, invites.userId))
    .where(and(eq(invites.tokenHash, tokenHash), isNull(invites.usedAt), gt(invites.expiresAt, sql`now()`), isNull(users.disabledAt)))
    .limit(1);
  return row ?? null;
}

/** Marks the invite used in one conditional update, so a link works exactly once even under concurrency. */
export async function consumeInvite(exec: Executor, tokenHash: string): Promise<string | null> {
  const [row] = await exec
    .update(invites)
    .set({ usedAt: sql`now()` })
    .where(and(eq(invites.tokenHash, tokenHash), isNull(invites.usedAt), gt(invites.expiresAt, sql`now()`)))
    .returning({ userId: invites.userId });
  return row?.userId ?? null;
}
