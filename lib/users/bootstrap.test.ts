import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";

// "No account yet" needs a database of its own.
const { fresh } = await vi.hoisted(async () => {
  const { freshDatabase } = await import("@/test/fresh-database");
  return { fresh: await freshDatabase() };
});

import { ensureInitialAdmin } from "./bootstrap";
import { db } from "@/lib/db/client";
import { users } from "@/lib/db/schema";
import { verifyPassword } from "@/lib/auth/passwords";

afterAll(() => fresh.drop());
beforeEach(async () => {
  await db.delete(users);
});

describe("ensureInitialAdmin", () => {
  it("creates the first administrator when no account exists, once", async () => {
    const config = { email: "Owner@Example.com", password: "correct horse battery" };
    expect(await ensureInitialAdmin(config)).toEqual({ created: true, email: "Owner@Example.com" });
    expect(await ensureInitialAdmin({ ...config, email: "other@example.com" })).toEqual({ created: false, reason: "users-exist" });

    const rows = await db.select().from(users);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ email: "Owner@Example.com", name: "Owner", role: "admin", canUpload: true, disabledAt: null });
    expect(await verifyPassword(rows[0].passwordHash!, "correct horse battery")).toBe(true);
  });

  it("does nothing when not configured, and names the missing half", async () => {
    expect(await ensureInitialAdmin({})).toEqual({ created: false, reason: "not-configured" });
    await expect(ensureInitialAdmin({ email: "a@example.com" })).rejects.toThrow("REEL_ADMIN_PASSWORD: required when REEL_ADMIN_EMAIL is set");
    await expect(ensureInitialAdmin({ password: "long enough password" })).rejects.toThrow("REEL_ADMIN_EMAIL: required when REEL_ADMIN_PASSWORD is set");
    expect(await db.select().from(users)).toEqual([]);
  });
});
