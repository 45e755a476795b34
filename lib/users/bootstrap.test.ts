import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { verifyPassword } from "@/lib/auth/passwords";
import { users } from "@/lib/db/schema";
import { isolatedDatabase } from "@/test/isolated-database";
import { ensureInitialAdmin } from "./bootstrap";

let database: Awaited<ReturnType<typeof isolatedDatabase>>;
beforeAll(async () => {
  database = await isolatedDatabase();
});
afterAll(async () => {
  await database.drop();
});
beforeEach(async () => {
  await database.db.delete(users);
});

describe("ensureInitialAdmin", () => {
  it("creates the first administrator when no user exists, once", async () => {
    const options = { db: database.db, email: "Owner@Example.com", password: "correct horse battery" };
    expect(await ensureInitialAdmin(options)).toEqual({ created: true, email: "Owner@Example.com" });
    expect(await ensureInitialAdmin({ ...options, email: "other@example.com" })).toEqual({ created: false, reason: "users-exist" });

    const rows = await database.db.select().from(users);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ email: "Owner@Example.com", name: "Owner", role: "admin", canUpload: true, disabledAt: null });
    expect(await verifyPassword(rows[0].passwordHash!, "correct horse battery")).toBe(true);
  });

  it("does nothing when not configured, and names the missing half", async () => {
    expect(await ensureInitialAdmin({ db: database.db, email: undefined, password: undefined })).toEqual({ created: false, reason: "not-configured" });
    await expect(ensureInitialAdmin({ db: database.db, email: "a@example.com", password: undefined })).rejects.toThrow(/^REEL_ADMIN_PASSWORD: required/);
    await expect(ensureInitialAdmin({ db: database.db, email: undefined, password: "long enough password" })).rejects.toThrow(/^REEL_ADMIN_EMAIL: required/);
    await expect(ensureInitialAdmin({ db: database.db, email: "a@example.com", password: "short" })).rejects.toThrow(/^REEL_ADMIN_PASSWORD: must be at least 10/);
    expect(await database.db.select().from(users)).toEqual([]);
  });
});
