import { randomBytes } from "node:crypto";
import { encode } from "next-auth/jwt";
import { eq } from "drizzle-orm";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { closeDb, db } from "@/lib/db/client";
import { users } from "@/lib/db/schema";
import { env } from "@/lib/env";
import { changePassword, signOutEverywhere, updateUser } from "@/lib/users/accounts";
import { asViewer, createTestUser, TEST_PASSWORD } from "@/test/factories";
import { createApiToken } from "./api-tokens";
import { CLIENT_IP_HEADER, stampedClientIp } from "./client-ip";
import { endSessions } from "./queries";
import { getRecentViewer, getViewer, readCredential, readSession, RECENT_VIEWER_MS, requireAccess, sessionViewer } from "./session";

async function jwt(sub: string, salt: string, sessionVersion?: number) {
  return encode({ token: { sub, sessionVersion }, secret: env.AUTH_SECRET!, salt });
}

const withCookie = (cookie: string) => new Request("http://reel.test/", { headers: { cookie } });
const sessionOf = async (id: string, version?: number) => withCookie(`authjs.session-token=${await jwt(id, "authjs.session-token", version)}`);
const withToken = (token: string) => new Request("http://reel.test/", { headers: { authorization: `Bearer ${token}` } });

afterAll(async () => {
  await closeDb();
});

describe("session cookie", () => {
  it("reads the plain, the __Secure- and the chunked forms of Auth.js's cookie", async () => {
    const id = "0b7c3f5e-3d55-4f07-9d0a-6c1d2b3e4f50";
    const plain = await jwt(id, "authjs.session-token");
    const secure = await jwt(id, "__Secure-authjs.session-token");
    expect(await readSession(`other=1; authjs.session-token=${plain}`)).toEqual({ userId: id, version: 0 });
    expect(await readSession(`__Secure-authjs.session-token=${secure}`)).toEqual({ userId: id, version: 0 });
    const half = Math.floor(plain.length / 2);
    expect(await readSession(`authjs.session-token.0=${plain.slice(0, half)}; authjs.session-token.1=${plain.slice(half)}`)).toEqual({ userId: id, version: 0 });
    expect(await readSession(`authjs.session-token=${await jwt(id, "authjs.session-token", 7)}`)).toEqual({ userId: id, version: 7 });
  });

  it("rejects a token sealed for the other cookie name, a bad secret, or garbage", async () => {
    const id = "0b7c3f5e-3d55-4f07-9d0a-6c1d2b3e4f50";
    expect(await readSession(`authjs.session-token=${await jwt(id, "__Secure-authjs.session-token")}`)).toBeNull();
    const foreign = await encode({ token: { sub: id }, secret: "another secret of forty characters......", salt: "authjs.session-token" });
    expect(await readSession(`authjs.session-token=${foreign}`)).toBeNull();
    expect(await readSession("authjs.session-token=not-a-jwt")).toBeNull();
    expect(await readSession(null)).toBeNull();
  });
});

describe("the session rule and the credential", () => {
  const user = { id: "0b7c3f5e-3d55-4f07-9d0a-6c1d2b3e4f50", email: "a@reel.test", name: "A", role: "member" as const, canUpload: false, disabledAt: null, sessionVersion: 2 };

  it("holds for the account's current session version only, and never for a disabled or missing account", () => {
    const claims = { userId: user.id, version: 2 };
    expect(sessionViewer(user, claims)).toEqual({ id: user.id, email: "a@reel.test", name: "A", role: "member", canUpload: false, via: "session" });
    expect(sessionViewer(user, { ...claims, version: 1 })).toBeNull();
    expect(sessionViewer({ ...user, disabledAt: new Date() }, claims)).toBeNull();
    expect(sessionViewer(null, claims)).toBeNull();
  });

  it("takes a Bearer token before the cookie, treats a foreign Bearer as none, and lets other schemes through", async () => {
    const cookie = `authjs.session-token=${await jwt(user.id, "authjs.session-token", 2)}`;
    expect(await readCredential("Bearer reel_abc", () => cookie)).toEqual({ token: "reel_abc" });
    expect(await readCredential("Bearer someone-elses", () => cookie)).toBeNull();
    expect(await readCredential("Basic dXNlcjpwYXNz", () => cookie)).toEqual({ session: { userId: user.id, version: 2 } });
    expect(await readCredential(null, () => null)).toBeNull();
  });
});

describe("concurrent requests", () => {
  it("each get their own account when looked up together; a disabled or unknown one gets none", async () => {
    const [a, b, gone] = await Promise.all([createTestUser({ name: "Batch A" }), createTestUser({ name: "Batch B" }), createTestUser({ disabled: true })]);
    const requests = await Promise.all([a.id, b.id, a.id, gone.id, "0b7c3f5e-3d55-4f07-9d0a-6c1d2b3e4f51", "not-a-uuid"].map((id) => sessionOf(id)));
    const viewers = await Promise.all(requests.map((request) => getViewer(request)));
    expect(viewers.map((v) => v?.name ?? null)).toEqual(["Batch A", "Batch B", "Batch A", null, null, null]);
  });

  it("asked for while a lookup is in flight, are looked up once it ends, none left waiting", async () => {
    const people = await Promise.all([1, 2, 3, 4].map((i) => createTestUser({ name: `Round ${i}` })));
    const requests = await Promise.all(people.map((person) => sessionOf(person.id)));
    const asked: Promise<Awaited<ReturnType<typeof getViewer>>>[] = [];
    // One request per round of the event loop: the first starts a lookup, the others arrive while it is in flight.
    for (const request of requests) {
      asked.push(getViewer(request));
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect((await Promise.all(asked)).map((v) => v?.name)).toEqual(["Round 1", "Round 2", "Round 3", "Round 4"]);
  });
});

describe("requireAccess", () => {
  it("asks for a viewer, then for the role or right", async () => {
    const member = await createTestUser();
    const uploader = await createTestUser({ canUpload: true });
    const admin = await createTestUser({ role: "admin" });
    const as = async (id: string) => withCookie(`authjs.session-token=${await jwt(id, "authjs.session-token")}`);

    await expect(requireAccess("user", withCookie(""))).rejects.toMatchObject({ code: "unauthorized" });
    expect((await requireAccess("user", await as(member.id))).id).toBe(member.id);
    await expect(requireAccess("uploader", await as(member.id))).rejects.toMatchObject({ code: "forbidden" });
    expect((await requireAccess("uploader", await as(uploader.id))).id).toBe(uploader.id);
    expect((await requireAccess("uploader", await as(admin.id))).id).toBe(admin.id);
    await expect(requireAccess("admin", await as(uploader.id))).rejects.toMatchObject({ code: "forbidden" });
    expect((await requireAccess("admin", await as(admin.id))).role).toBe("admin");

    const gone = await createTestUser({ disabled: true });
    await expect(requireAccess("user", await as(gone.id))).rejects.toMatchObject({ code: "unauthorized" });
  });
});

describe("ending sessions", () => {
  it("kills every cookie issued before, on any server at once, and only those", async () => {
    const user = await createTestUser();
    const other = await createTestUser();
    // Cookies from before session versions existed carry none: version 0, what every account starts at.
    const before = await sessionOf(user.id);
    const bystander = await sessionOf(other.id);
    expect((await getViewer(before))?.id).toBe(user.id);

    await signOutEverywhere(asViewer(user));
    expect(await getViewer(before)).toBeNull();
    expect((await getViewer(bystander))?.id).toBe(other.id);
    expect((await getViewer(await sessionOf(user.id, 1)))?.id).toBe(user.id);
    await endSessions(db, user.id);
    expect(await getViewer(await sessionOf(user.id, 1))).toBeNull();
  });

  it("a password change ends the account's sessions but leaves its API tokens", async () => {
    const user = await createTestUser();
    const { token } = await createApiToken(user.id, "script");
    const cookie = await sessionOf(user.id);
    const headers = new Headers({ [CLIENT_IP_HEADER]: stampedClientIp(`10.${[...randomBytes(3)].join(".")}`) });

    await expect(changePassword(asViewer(user), { currentPassword: "wrong", password: "a new password 123" }, headers)).rejects.toMatchObject({ code: "bad_request" });
    expect((await getViewer(cookie))?.id).toBe(user.id);
    await changePassword(asViewer(user), { currentPassword: TEST_PASSWORD, password: "a new password 123" }, headers);
    expect(await getViewer(cookie)).toBeNull();
    expect((await getViewer(withToken(token)))?.id).toBe(user.id);
  });

  it("disabling an account ends its sessions and revokes its API tokens: enabling it again revives neither", async () => {
    const admin = asViewer(await createTestUser({ role: "admin" }));
    const user = await createTestUser();
    const { token } = await createApiToken(user.id, "script");
    const cookie = await sessionOf(user.id);
    expect((await getViewer(withToken(token)))?.id).toBe(user.id);

    await updateUser(admin, user.id, { disabled: true });
    expect(await getViewer(cookie)).toBeNull();
    expect(await getViewer(withToken(token))).toBeNull();
    await updateUser(admin, user.id, { disabled: false });
    expect(await getViewer(cookie)).toBeNull();
    expect(await getViewer(withToken(token))).toBeNull();
    expect((await getViewer(await sessionOf(user.id, 1)))?.id).toBe(user.id);
  });
});

describe("the recent viewer (frequent requests: the playback reports)", () => {
  afterEach(() => {
    vi.useRealTimers();
  });
  const recent = (request: Request) => getRecentViewer(request.headers);
  /** Moves the clock `ms` on (only Date: the lookups still run on the real event loop). */
  const later = (ms: number) => vi.setSystemTime(Date.now() + ms);

  it("answers a cookie from the account it read for RECENT_VIEWER_MS, then reads it again: a disabled account is cut off by then", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const user = await createTestUser();
    const cookie = await sessionOf(user.id);
    expect((await recent(cookie))?.id).toBe(user.id);
    await db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, user.id));
    // getViewer reads the row at each request; the recent viewer may lag by up to RECENT_VIEWER_MS.
    expect(await getViewer(cookie)).toBeNull();
    later(RECENT_VIEWER_MS - 100);
    expect((await recent(cookie))?.id).toBe(user.id);
    later(200);
    expect(await recent(cookie)).toBeNull();
  });

  it("cuts off a removed account, and keeps a refused cookie refused no longer than RECENT_VIEWER_MS", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const removed = await createTestUser();
    const cookie = await sessionOf(removed.id);
    expect((await recent(cookie))?.id).toBe(removed.id);
    await db.delete(users).where(eq(users.id, removed.id));
    later(RECENT_VIEWER_MS + 1);
    expect(await recent(cookie)).toBeNull();

    const disabled = await createTestUser({ disabled: true });
    const refused = await sessionOf(disabled.id);
    expect(await recent(refused)).toBeNull();
    await db.update(users).set({ disabledAt: null }).where(eq(users.id, disabled.id));
    expect(await recent(refused)).toBeNull();
    later(RECENT_VIEWER_MS + 1);
    expect((await recent(refused))?.id).toBe(disabled.id);
  });

  it("keys on the exact token: another cookie of the account is read afresh, ended sessions die within RECENT_VIEWER_MS", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const user = await createTestUser({ name: "Before" });
    const old = await sessionOf(user.id);
    expect((await recent(old))?.name).toBe("Before");
    await signOutEverywhere(asViewer(user));
    await db.update(users).set({ name: "After" }).where(eq(users.id, user.id));
    // A new token of the account (the session version it now has) is never answered from another token's read.
    expect((await recent(await sessionOf(user.id, 1)))?.name).toBe("After");
    expect(await recent(await sessionOf(user.id))).toBeNull();
    later(RECENT_VIEWER_MS + 1);
    expect(await recent(old)).toBeNull();
  });

  it("resolves API tokens at each request, as getViewer does", async () => {
    const user = await createTestUser();
    const { token } = await createApiToken(user.id, "script");
    expect((await recent(withToken(token)))?.id).toBe(user.id);
    await db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, user.id));
    expect(await recent(withToken(token))).toBeNull();
    expect(await recent(withToken("reel_not-a-token"))).toBeNull();
  });
});
