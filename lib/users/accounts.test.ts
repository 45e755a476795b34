import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

// These rules are about "no account yet" and "the last administrator": they need a database of their own.
const { fresh } = await vi.hoisted(async () => {
  const { freshDatabase } = await import("@/test/fresh-database");
  return { fresh: await freshDatabase() };
});

import * as accounts from "./accounts";
import { db } from "@/lib/db/client";
import { sql } from "drizzle-orm";
import { verifyPassword } from "@/lib/auth/passwords";
import { findUserByEmail } from "@/lib/auth/queries";
import { asViewer, createTestUser } from "@/test/factories";
import { CLIENT_IP_HEADER, stampedClientIp } from "@/lib/auth/client-ip";
import { LOGIN_FAILURE_LIMIT } from "@/lib/auth/login-limit";
import postgres from "postgres";

afterAll(() => fresh.drop());

const password = "a long enough password";

describe("first-run setup", () => {
  it("concurrent set-ups create exactly one administrator", async () => {
    expect(await accounts.isSetUp()).toBe(false);
    // Hold inserts into users back until every set-up has reached its insert (or is queued behind the
    // lock), so they truly overlap instead of running one after another by luck of timing.
    const blocker = postgres(fresh.url, { max: 1, onnotice: () => {} });
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const holding = blocker.begin(async (tx) => {
      await tx`lock table users in share mode`;
      await released;
    });
    const pending = Promise.all(
      Array.from({ length: 4 }, (_, n) => accounts.createFirstAdmin({ name: `Admin ${n}`, email: `admin${n}@reel.test`, password })),
    );
    await new Promise((r) => setTimeout(r, 500));
    release();
    await holding;
    await blocker.end();
    const results = await pending;
    const created = results.filter((r) => r !== null);
    expect(created).toHaveLength(1);
    expect(created[0]).toMatchObject({ role: "admin", canUpload: true, status: "active" });
    const count = await db.execute<{ n: number }>(sql`select count(*)::int as n from users`);
    expect(count[0].n).toBe(1);
    expect(await accounts.isSetUp()).toBe(true);
    expect(await accounts.createFirstAdmin({ name: "Late", email: "late@reel.test", password })).toBeNull();
  });
});

describe("managing accounts", () => {
  let admin: Awaited<ReturnType<typeof accounts.getUser>>;
  beforeAll(async () => {
    admin = (await accounts.listUsers()).find((u) => u.role === "admin")!;
  });
  const actor = () => asViewer(admin);

  it("creates users with a password, or with an invite, and refuses duplicate emails", async () => {
    const { user, invite } = await accounts.createUser(actor(), { name: "Pat", email: " Pat@Reel.test ", role: "member", canUpload: true, password });
    expect(invite).toBeNull();
    expect(user).toMatchObject({ email: "pat@reel.test", role: "member", canUpload: true, status: "active" });
    expect(await verifyPassword((await findUserByEmail("pat@reel.test"))!.passwordHash!, password)).toBe(true);

    const invited = await accounts.createUser(actor(), { name: "Ivy", email: "ivy@reel.test" });
    expect(invited.user.status).toBe("invited");
    expect(invited.invite?.token).toMatch(/^reeli_/);
    expect(invited.invite!.expiresAt.getTime() - Date.now()).toBeGreaterThan(7 * 24 * 3600 * 1000 - 60_000);

    await expect(accounts.createUser(actor(), { name: "Pat again", email: "PAT@reel.test", password })).rejects.toMatchObject({ code: "conflict" });
    await expect(accounts.createUser(actor(), { name: "Short", email: "short@reel.test", password: "123456789" })).rejects.toThrow();
  });

  it("an invite link works once, and not after it expires or is replaced", async () => {
    const { user, invite } = await accounts.createUser(actor(), { name: "Ina", email: "ina@reel.test" });
    expect(await accounts.inviteFor(invite!.token)).toMatchObject({ email: "ina@reel.test" });

    const [first, second] = await Promise.all([accounts.acceptInvite(invite!.token, password), accounts.acceptInvite(invite!.token, "another password!")]);
    expect([first, second].filter(Boolean)).toEqual([{ email: "ina@reel.test" }]);
    expect(await accounts.inviteFor(invite!.token)).toBeNull();
    expect(await accounts.acceptInvite(invite!.token, password)).toBeNull();
    expect((await accounts.getUser(user.id)).status).toBe("active");

    const late = await accounts.createUser(actor(), { name: "Leo", email: "leo@reel.test" });
    await db.execute(sql`update invites set expires_at = now() - interval '1 second' where user_id = ${late.user.id}`);
    expect(await accounts.inviteFor(late.invite!.token)).toBeNull();
    expect(await accounts.acceptInvite(late.invite!.token, password)).toBeNull();
    expect((await accounts.getUser(late.user.id)).status).toBe("invite_expired");

    const renewed = await accounts.reissueInvite(actor(), late.user.id);
    expect(await accounts.inviteFor(renewed.token)).toMatchObject({ email: "leo@reel.test" });
    const newer = await accounts.reissueInvite(actor(), late.user.id);
    expect(await accounts.inviteFor(renewed.token)).toBeNull();
    expect(await accounts.acceptInvite(newer.token, password)).toEqual({ email: "leo@reel.test" });
    await expect(accounts.reissueInvite(actor(), late.user.id)).rejects.toMatchObject({ code: "conflict" });
  });

  it("never removes the last active administrator, and admins cannot lock themselves out", async () => {
    const me = actor();
    await expect(accounts.updateUser(me, me.id, { role: "member" })).rejects.toMatchObject({ code: "conflict" });
    await expect(accounts.updateUser(me, me.id, { disabled: true })).rejects.toMatchObject({ code: "conflict" });
    await expect(accounts.deleteUser(me, me.id)).rejects.toMatchObject({ code: "conflict" });
    expect(await accounts.updateUser(me, me.id, { name: "Renamed Admin" })).toMatchObject({ name: "Renamed Admin", role: "admin" });

    // Two admins demoting each other at the same moment: one must lose.
    const { user: other } = await accounts.createUser(me, { name: "Second", email: "second@reel.test", role: "admin", password });
    const otherActor = asViewer({ ...other });
    await accounts.updateUser(me, other.id, { disabled: true });
    await expect(accounts.updateUser(otherActor, me.id, { role: "member" })).rejects.toMatchObject({ code: "conflict" });
    await accounts.updateUser(me, other.id, { disabled: false });
    const race = await Promise.allSettled([accounts.updateUser(me, other.id, { role: "member" }), accounts.updateUser(otherActor, me.id, { role: "member" })]);
    expect(race.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const admins = (await accounts.listUsers()).filter((u) => u.role === "admin" && u.status === "active");
    expect(admins).toHaveLength(1);

    const survivor = admins[0];
    const loser = survivor.id === me.id ? other : admin;
    await accounts.deleteUser(asViewer(survivor), loser.id);
    await expect(accounts.getUser(loser.id)).rejects.toMatchObject({ code: "not_found" });
    await expect(accounts.deleteUser(asViewer(survivor), loser.id)).rejects.toMatchObject({ code: "not_found" });
  });
});

describe("changing one's own password", () => {
  const from = (ip: string) => new Headers({ [CLIENT_IP_HEADER]: stampedClientIp(ip) });
  const hashOf = async (email: string) => (await findUserByEmail(email))!.passwordHash!;

  it("needs the current password, then replaces it", async () => {
    const user = await createTestUser({ password });
    const viewer = asViewer(user);
    const before = await hashOf(user.email);
    await expect(accounts.changePassword(viewer, { currentPassword: "not the password", password: "a brand new password" }, from("198.51.100.7"))).rejects.toMatchObject({
      code: "bad_request",
      details: { fields: [{ field: "currentPassword" }] },
    });
    expect(await hashOf(user.email)).toBe(before);
    await accounts.changePassword(viewer, { currentPassword: password, password: "a brand new password" }, from("198.51.100.7"));
    expect(await verifyPassword(await hashOf(user.email), "a brand new password")).toBe(true);
    expect(await verifyPassword(await hashOf(user.email), password)).toBe(false);
  });

  it("counts wrong current passwords like failed sign-ins: after the limit even the right one is refused", async () => {
    const user = await createTestUser({ password });
    const viewer = asViewer(user);
    for (let i = 0; i < LOGIN_FAILURE_LIMIT; i++) {
      await expect(accounts.changePassword(viewer, { currentPassword: `guess ${i}`, password: "a brand new password" }, from(`203.0.113.${i + 1}`))).rejects.toMatchObject({ code: "bad_request" });
    }
    await expect(accounts.changePassword(viewer, { currentPassword: password, password: "a brand new password" }, from("203.0.113.200"))).rejects.toMatchObject({ code: "rate_limited" });
    expect(await verifyPassword(await hashOf(user.email), password)).toBe(true);
  });
});
