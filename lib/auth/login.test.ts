import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { CLIENT_IP_HEADER, stampedClientIp } from "./client-ip";
import { limitCredentialsCallback } from "./login";

// The wrapper decides failure vs success from the answer of Auth.js's endpoint; these handlers play
// that answer (a redirect back to /login with ?error, or one that sets the session cookie).
const failed = async () => new Response(null, { status: 302, headers: { location: "/login?error=CredentialsSignin" } });
const succeeded = async () =>
  new Response(null, { status: 302, headers: [["location", "/"], ["set-cookie", "authjs.session-token=abc; Path=/; HttpOnly"]] });

function post(path: string, ip: string, email: string) {
  return new Request(`http://reel.test${path}`, {
    method: "POST",
    headers: { [CLIENT_IP_HEADER]: stampedClientIp(ip), "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ email, password: "x", csrfToken: "t" }),
  });
}

async function failures(key: string) {
  const rows = await db.execute<{ n: number }>(sql`select count(*)::int as n from login_failures where key = ${key}`);
  return rows[0].n;
}

describe("limitCredentialsCallback", () => {
  const ip = () => `192.0.2.${randomBytes(1)[0]}`;

  it("counts answers without a session cookie as failures, per address and per account, and refuses the 11th", async () => {
    const address = ip();
    const email = `Limit-${randomBytes(4).toString("hex")}@reel.test`;
    await db.execute(sql`delete from login_failures where key = ${`ip:${address}`}`);
    for (let i = 0; i < 10; i++) {
      const response = await limitCredentialsCallback(post("/api/auth/callback/credentials", address, email), failed);
      expect(response.status).toBe(302);
    }
    expect(await failures(`account:${email.toLowerCase()}`)).toBe(10);
    await expect(limitCredentialsCallback(post("/api/auth/callback/credentials", address, email), succeeded)).rejects.toMatchObject({
      code: "rate_limited",
      headers: { "Retry-After": expect.stringMatching(/^\d+$/) },
    });
  });

  it("does not count a sign-in that set the session cookie", async () => {
    const address = ip();
    await db.execute(sql`delete from login_failures where key = ${`ip:${address}`}`);
    const response = await limitCredentialsCallback(post("/api/auth/callback/credentials", address, "ok@reel.test"), succeeded);
    expect(response.headers.get("set-cookie")).toContain("authjs.session-token=abc");
    expect(await failures(`ip:${address}`)).toBe(0);
  });

  it("leaves Auth.js's other endpoints alone", async () => {
    const address = ip();
    await db.execute(sql`delete from login_failures where key = ${`ip:${address}`}`);
    await limitCredentialsCallback(post("/api/auth/signout", address, "x@reel.test"), failed);
    expect(await failures(`ip:${address}`)).toBe(0);
  });
});
