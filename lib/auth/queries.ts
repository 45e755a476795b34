import { and, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import { db, type Db, type Tx } from "@/lib/db/client";
import { apiTokens, loginFailures, users } from "@/lib/db/schema";
import type { Viewer } from "./viewer";

export async function findUserByEmail(email: string) {
  const [user] = await db
    .select()
    .from(users)
    .where(sql`lower(${users.email}) = lower(${email.trim()})`)
    .limit(1);
  return user ?? null;
}

/** Built once (on first use, not at import: builds import this file without a database). */
function activeUsersStatement() {
  return db
    .select()
    .from(users)
    .where(and(sql`${users.id} = any(${sql.placeholder("ids")}::uuid[])`, isNull(users.disabledAt)))
    .prepare("find_active_users");
}
let activeUsers: ReturnType<typeof activeUsersStatement> | undefined;

type User = typeof users.$inferSelect;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
let waiting: Map<string, { resolve: (user: User | null) => void; reject: (error: unknown) => void }[]> | null = null;

/** Whether a lookup is in flight: the ids asked for meanwhile wait for it to end, then go together in the next. */
let lookingUp = false;

/**
 * Every authenticated request runs this. The ids asked for while the server reads one round of incoming requests
 * are looked up together, in one prepared statement, once that round is over, or, while a lookup is in flight,
 * once it has ended: under load (players report every few seconds) a batch grows with the load instead of each
 * round of a few requests sending a statement of its own, and each request still reads the row after it arrived.
 */
export function findActiveUserById(id: string): Promise<User | null> {
  if (!UUID.test(id)) return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    if (!waiting) {
      waiting = new Map();
      if (!lookingUp) setImmediate(lookUpWaiting);
    }
    const key = id.toLowerCase();
    const callers = waiting.get(key);
    if (callers) callers.push({ resolve, reject });
    else waiting.set(key, [{ resolve, reject }]);
  });
}

function lookUpWaiting() {
  const batch = waiting!;
  waiting = null;
  lookingUp = true;
  activeUsers ??= activeUsersStatement();
  activeUsers
    .execute({ ids: [...batch.keys()] })
    .then(
      (rows) => {
        const byId = new Map(rows.map((row) => [row.id, row]));
        for (const [id, callers] of batch) for (const caller of callers) caller.resolve(byId.get(id) ?? null);
      },
      (error: unknown) => {
        for (const callers of batch.values()) for (const caller of callers) caller.reject(error);
      },
    )
    .finally(() => {
      lookingUp = false;
      if (waiting) setImmediate(lookUpWaiting);
    });
}

/** The password hash of an active account (null for invited users who have not chosen one yet). */
export async function findPasswordHash(userId: string): Promise<string | null> {
  const [row] = await db
    .select({ passwordHash: users.passwordHash })
    .from(users)
    .where(and(eq(users.id, userId), isNull(users.disabledAt)))
    .limit(1);
  return row?.passwordHash ?? null;
}

export async function markLoggedIn(userId: string) {
  await db.update(users).set({ lastLoginAt: new Date() }).where(eq(users.id, userId));
}

/** Ends every session of the account issued so far: their cookies carry an older version from now on. */
export async function endSessions(exec: Db | Tx, userId: string) {
  await exec
    .update(users)
    .set({ sessionVersion: sql`${users.sessionVersion} + 1` })
    .where(eq(users.id, userId));
}

// ---- API tokens ----------------------------------------------------------------------------------

/**
 * Resolves a token hash to its (enabled) user in one round trip. Last use is stamped at most once a
 * minute, so a busy script does not turn every API call into a row update.
 */
export async function authenticateApiToken(tokenHash: string): Promise<Omit<Viewer, "via"> | null> {
  const rows = await db.execute<{ id: string; email: string; name: string; role: "admin" | "member"; can_upload: boolean }>(sql`
    with t as (
      select id, user_id, last_used_at from ${apiTokens}
      where token_hash = ${tokenHash} and revoked_at is null
    ), stamp as (
      update ${apiTokens} set last_used_at = now()
      from t
      where ${apiTokens.id} = t.id and (t.last_used_at is null or t.last_used_at < now() - interval '1 minute')
    )
    select u.id, u.email, u.name, u.role, u.can_upload
    from t join ${users} u on u.id = t.user_id
    where u.disabled_at is null`);
  const row = rows[0];
  return row ? { id: row.id, email: row.email, name: row.name, role: row.role, canUpload: row.can_upload } : null;
}

const tokenColumns = {
  id: apiTokens.id,
  name: apiTokens.name,
  prefix: apiTokens.prefix,
  createdAt: apiTokens.createdAt,
  lastUsedAt: apiTokens.lastUsedAt,
};
export type ApiTokenSummary = { id: string; name: string; prefix: string; createdAt: Date; lastUsedAt: Date | null };

export async function insertApiToken(row: { userId: string; name: string; tokenHash: string; prefix: string }): Promise<ApiTokenSummary> {
  const [token] = await db.insert(apiTokens).values(row).returning(tokenColumns);
  return token;
}

export async function listApiTokens(userId: string): Promise<ApiTokenSummary[]> {
  return db
    .select(tokenColumns)
    .from(apiTokens)
    .where(and(eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt)))
    .orderBy(desc(apiTokens.createdAt));
}

/** Revokes one of the user's own tokens; false when there is no such live token. */
export async function revokeApiToken(userId: string, tokenId: string): Promise<boolean> {
  const rows = await db
    .update(apiTokens)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiTokens.id, tokenId), eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt)))
    .returning({ id: apiTokens.id });
  return rows.length > 0;
}

/** Revokes all of the user's live tokens (an account an admin disabled: re-enabling it does not revive them). */
export async function revokeAllApiTokens(exec: Db | Tx, userId: string) {
  await exec
    .update(apiTokens)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt)));
}

// ---- Failed sign-ins -----------------------------------------------------------------------------

/**
 * Counts each key's failures inside the window and, when every key is under `limit`, writes one row per
 * key for the attempt about to run. Per-key advisory locks (taken in a fixed order) make count-then-insert
 * atomic across processes, so concurrent attempts cannot all slip under the limit.
 */
export async function reserveLoginAttempt(
  keys: string[],
  windowSeconds: number,
  limit: number,
): Promise<{ ids: string[]; retryAfterSeconds?: never } | { ids?: never; retryAfterSeconds: number }> {
  await db.delete(loginFailures).where(sql`${loginFailures.createdAt} < now() - make_interval(secs => ${windowSeconds})`);
  return db.transaction(async (tx) => {
    for (const key of [...keys].sort()) await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${"reel.login:" + key}, 0))`);
    const rows = await tx.execute<{ failures: number; retry_after: number | null }>(sql`
      select count(*)::int as failures,
        ceil(extract(epoch from (
          (array_agg(created_at order by created_at desc))[${limit}] + make_interval(secs => ${windowSeconds}) - now()
        )))::int as retry_after
      from ${loginFailures}
      where key = any(${sql.param(keys)}::text[]) and created_at > now() - make_interval(secs => ${windowSeconds})
      group by key`);
    const over = rows.filter((r) => r.failures >= limit);
    if (over.length > 0) return { retryAfterSeconds: Math.max(1, ...over.map((r) => r.retry_after ?? windowSeconds)) };
    const inserted = await tx
      .insert(loginFailures)
      .values(keys.map((key) => ({ key })))
      .returning({ id: loginFailures.id });
    return { ids: inserted.map((r) => r.id) };
  });
}

export async function deleteLoginFailures(ids: string[]) {
  if (ids.length > 0) await db.delete(loginFailures).where(inArray(loginFailures.id, ids));
}
