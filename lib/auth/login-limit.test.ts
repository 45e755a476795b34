import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { guardLogin, LOGIN_FAILURE_LIMIT, loginFailureKeys, tooManyAttemptsMessage } from "./login-limit";

const uniqueIp = () => `198.18.${randomBytes(1)[0]}.${randomBytes(1)[0]}:${randomBytes(4).toString("hex")}`;
const uniqueEmail = () => `limit-${randomBytes(4).toString("hex")}@reel.test`;

const fail = async () => ({ failed: true, result: "failed" });
const succeed = async () => ({ failed: false, result: "ok" });

async function rowsFor(key: string) {
  const rows = await db.execute<{ n: number }>(sql`select count(*)::int as n from login_failures where key = ${key}`);
  return rows[0].n;
}

async function age(key: string, seconds: number) {
  await db.execute(sql`update login_failures set created_at = created_at - make_interval(secs => ${seconds}) where key = ${key}`);
}

describe("login rate limit", () => {
  it("allows 10 failures per address, refuses the 11th attempt with the time until the window frees up", async () => {
    const ip = uniqueIp();
    for (let i = 0; i < LOGIN_FAILURE_LIMIT; i++) {
      expect(await guardLogin({ ip, email: uniqueEmail() }, fail)).toEqual({ limited: false, result: "failed" });
    }
    let ran = false;
    const refused = await guardLogin({ ip, email: uniqueEmail() }, async () => {
      ran = true;
      return succeed();
    });
    expect(ran).toBe(false);
    expect(refused.limited).toBe(true);
    if (refused.limited) {
      expect(refused.retryAfterSeconds).toBeGreaterThan(290);
      expect(refused.retryAfterSeconds).toBeLessThanOrEqual(300);
    }
    // Refused attempts are not written down, so they do not stretch the lock-out.
    expect(await rowsFor(`ip:${ip}`)).toBe(LOGIN_FAILURE_LIMIT);
  });

  it("limits an account across addresses", async () => {
    const email = uniqueEmail();
    for (let i = 0; i < LOGIN_FAILURE_LIMIT; i++) await guardLogin({ ip: uniqueIp(), email }, fail);
    expect((await guardLogin({ ip: uniqueIp(), email: email.toUpperCase() }, succeed)).limited).toBe(true);
    expect((await guardLogin({ ip: uniqueIp(), email: uniqueEmail() }, succeed)).limited).toBe(false);
  });

  it("does not count successes, and a success does not reset the address's earlier failures", async () => {
    const ip = uniqueIp();
    for (let i = 0; i < 4; i++) await guardLogin({ ip, email: uniqueEmail() }, fail);
    expect(await guardLogin({ ip, email: uniqueEmail() }, succeed)).toEqual({ limited: false, result: "ok" });
    expect(await rowsFor(`ip:${ip}`)).toBe(4);
  });

  it("does not count an attempt that crashed", async () => {
    const ip = uniqueIp();
    await expect(guardLogin({ ip }, () => Promise.reject(new Error("database down")))).rejects.toThrow("database down");
    expect(await rowsFor(`ip:${ip}`)).toBe(0);
  });

  it("frees up as failures leave the 5-minute window, and prunes old rows", async () => {
    const ip = uniqueIp();
    const key = `ip:${ip}`;
    for (let i = 0; i < LOGIN_FAILURE_LIMIT; i++) await guardLogin({ ip }, fail);
    await age(key, 200);
    const refused = await guardLogin({ ip }, succeed);
    expect(refused.limited && refused.retryAfterSeconds).toBeGreaterThan(90);
    expect(refused.limited && refused.retryAfterSeconds).toBeLessThanOrEqual(100);

    await age(key, 101);
    expect(await guardLogin({ ip }, succeed)).toEqual({ limited: false, result: "ok" });
    expect(await rowsFor(key)).toBe(0);
  });

  it("lets at most 10 of many concurrent attempts through", async () => {
    const ip = uniqueIp();
    const slowFail = async () => {
      await new Promise((r) => setTimeout(r, 30));
      return fail();
    };
    const results = await Promise.all(Array.from({ length: 25 }, () => guardLogin({ ip, email: uniqueEmail() }, slowFail)));
    expect(results.filter((r) => !r.limited)).toHaveLength(LOGIN_FAILURE_LIMIT);
    expect(await rowsFor(`ip:${ip}`)).toBe(LOGIN_FAILURE_LIMIT);
  });

  it("keys: unknown addresses share one bucket, emails are case-insensitive", () => {
    expect(loginFailureKeys({ ip: null, email: " Ann@Example.COM " })).toEqual(["ip:unknown", "account:ann@example.com"]);
    expect(loginFailureKeys({ ip: "192.0.2.1", email: 42 })).toEqual(["ip:192.0.2.1"]);
    expect(tooManyAttemptsMessage(61)).toBe("Too many failed sign-in attempts. Try again in 2 minutes.");
    expect(tooManyAttemptsMessage(30)).toBe("Too many failed sign-in attempts. Try again in 1 minute.");
  });
});
