import { sql } from "drizzle-orm";
import { hashPassword } from "@/lib/auth/passwords";
import { MIN_PASSWORD_LENGTH } from "./rules";
import { db as defaultDb, type Db } from "@/lib/db/client";
import { users } from "@/lib/db/schema";
import { env } from "@/lib/env";

export type BootstrapResult = { created: false; reason: "not-configured" | "users-exist" } | { created: true; email: string };

/**
 * Creates the first administrator from REEL_ADMIN_EMAIL / REEL_ADMIN_PASSWORD when the instance has
 * no user yet, so Reel can be set up without a browser. Once any user exists it does nothing, so
 * the variables may stay set (changing them later changes nobody's password).
 */
export async function ensureInitialAdmin(options: { db?: Db; email?: string; password?: string } = {}): Promise<BootstrapResult> {
  const db = options.db ?? defaultDb;
  // Given keys win even when undefined, so callers (tests) can describe an unconfigured instance.
  const email = "email" in options ? options.email : env.REEL_ADMIN_EMAIL;
  const password = "password" in options ? options.password : env.REEL_ADMIN_PASSWORD;
  if (!email && !password) return { created: false, reason: "not-configured" };
  if (!email) throw new Error("REEL_ADMIN_EMAIL: required when REEL_ADMIN_PASSWORD is set");
  if (!password) throw new Error("REEL_ADMIN_PASSWORD: required when REEL_ADMIN_EMAIL is set");
  if (password.length < MIN_PASSWORD_LENGTH) throw new Error(`REEL_ADMIN_PASSWORD: must be at least ${MIN_PASSWORD_LENGTH} characters`);

  const passwordHash = await hashPassword(password);
  // One statement, so two launchers starting together cannot both create an administrator.
  const inserted = await db.execute(sql`
    insert into ${users} (email, name, role, password_hash, can_upload)
    select ${email}, ${email.split("@")[0]}, 'admin', ${passwordHash}, true
    where not exists (select 1 from ${users})
    on conflict do nothing
    returning id`);
  return inserted.length > 0 ? { created: true, email } : { created: false, reason: "users-exist" };
}
