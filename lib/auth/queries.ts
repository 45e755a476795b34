import { and, eq, isNull, sql } from "drizzle-orm";
import { db } from "@/lib/db/client";
import { apiTokens, users } from "@/lib/db/schema";

export async function findUserByEmail(email: string) {
  const [user] = await db
    .select()
    .from(users)
    .where(sql`lower(${users.email}) = lower(${email})`)
    .limit(1);
  return user ?? null;
}

export async function findActiveUserById(id: string) {
  const [user] = await db
    .select()
    .from(users)
    .where(and(eq(users.id, id), isNull(users.disabledAt)))
    .limit(1);
  return user ?? null;
}

/** Resolves a token hash to its (enabled) user and stamps last use, in one round trip. */
export async function useApiToken(tokenHash: string) {
  const rows = await db.execute<{ id: string; email: string; name: string; role: "admin" | "member"; can_upload: boolean }>(sql`
    with t as (
      update ${apiTokens} set last_used_at = now()
      where token_hash = ${tokenHash} and revoked_at is null
      returning user_id
    )
    select u.id, u.email, u.name, u.role, u.can_upload
    from t join ${users} u on u.id = t.user_id
    where u.disabled_at is null`);
  const row = rows[0];
  return row ? { id: row.id, email: row.email, name: row.name, role: row.role, canUpload: row.can_upload } : null;
}

export async function markLoggedIn(userId: string) {
  await db.update(users).set({ lastLoginAt: new Date() }).where(eq(users.id, userId));
}
