import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { freshDatabase } from "@/test/fresh-database";

// "No account yet" needs a database of its own.
const fresh = await freshDatabase();
const { ensureInitialAdmin } = await import("./bootstrap");
const { db } = await import("@/lib/db/client");
const { users } = await import("@/lib/db/schema");
const { verifyPassword } = await import("@/lib/auth/passwords");

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
    await expect(ensureInitialAdmin({ email: "a@example.com" })).rejects.toThrow(/^REEL_ADMIN_PASSWORD: required/);
    await expect(ensureInitialAdmin({ password: "long enough password" })).rejects.toThrow(/^REEL_ADMIN_EMAIL: required/);
    expect(await db.select().from(users)).toEqual([]);
  });
});
