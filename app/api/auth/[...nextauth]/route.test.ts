import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { CLIENT_IP_HEADER, stampedClientIp } from "@/lib/auth/client-ip";
import { endSessions } from "@/lib/auth/queries";
import { getViewer } from "@/lib/auth/session";
import { closeDb, db } from "@/lib/db/client";
import { createTestUser, TEST_PASSWORD } from "@/test/factories";
import { GET, POST } from "./route";

/** Auth.js's real endpoints, through the route (rate limit, then Auth.js), the way a script signs in. */

afterAll(async () => {
  await closeDb();
});

const context = { params: Promise.resolve({}) };
const uniqueIp = () => `10.${[...randomBytes(3)].join(".")}`;

/** What the request says of its address: as Reel's web server stamps it, or a value the client wrote itself. */
const from = (ip: string | { claimed: string }) => (typeof ip === "string" ? stampedClientIp(ip) : ip.claimed);

async function csrf(ip: string | { claimed: string }) {
  const response = await GET(new Request("http://127.0.0.1/api/auth/csrf", { headers: { [CLIENT_IP_HEADER]: from(ip) } }), context);
  const { csrfToken } = (await response.json()) as { csrfToken: string };
  const cookie = response.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  return { csrfToken, cookie };
}

async function signIn(ip: string | { claimed: string }, body: (csrfToken: string) => { type: string; text: string }) {
  const { csrfToken, cookie } = await csrf(ip);
  const { type, text } = body(csrfToken);
  const request = new Request("http://127.0.0.1/api/auth/callback/credentials", {
    method: "POST",
    headers: { [CLIENT_IP_HEADER]: from(ip), cookie, "content-type": type, origin: "http://127.0.0.1" },
    body: text,
  });
  return POST(request, context);
}

const form = (entries: [string, string][]) => (csrfToken: string) => ({
  type: "application/x-www-form-urlencoded",
  text: new URLSearchParams([...entries, ["csrfToken", csrfToken], ["callbackUrl", "/"]]).toString(),
});
const sessionCookie = /^authjs\.session-token=[^;]/;
const signsIn = (response: Response) => response.headers.getSetCookie().some((c) => sessionCookie.test(c));

describe("POST /api/auth/callback/credentials", () => {
  it("signs in with the right password, for as long as the account's sessions are not ended", async () => {
    const user = await createTestUser();
    const signInNow = async () => {
      const response = await signIn(uniqueIp(), form([["email", user.email], ["password", TEST_PASSWORD]]));
      expect(response.status).toBe(302);
      const cookie = response.headers.getSetCookie().find((c) => sessionCookie.test(c));
      expect(cookie).toBeDefined();
      return new Headers({ cookie: cookie!.split(";")[0] });
    };
    const first = await signInNow();
    expect((await getViewer(first))?.id).toBe(user.id);
    await endSessions(db, user.id);
    expect(await getViewer(first)).toBeNull();
    // A sign-in afterwards carries the new version.
    expect((await getViewer(await signInNow()))?.id).toBe(user.id);
  });

  it("keeps a locked account locked whatever decoy the request carries", async () => {
    const victim = await createTestUser();
    const attacker = uniqueIp();
    for (let i = 0; i < 10; i++) {
      const failed = await signIn(attacker, form([["email", victim.email], ["password", `guess ${i}`]]));
      expect(failed.status).toBe(302);
      expect(signsIn(failed)).toBe(false);
    }
    // The right password now, from a fresh address, with an unlocked decoy account named first.
    const decoy = `decoy-${randomBytes(4).toString("hex")}@reel.test`;
    const twice = await signIn(uniqueIp(), form([["email", decoy], ["email", victim.email], ["password", TEST_PASSWORD]]));
    expect(signsIn(twice)).toBe(false);
    expect(twice.status).toBe(400);
    expect(await twice.json()).toMatchObject({ error: { code: "bad_request", message: 'The field "email" was sent more than once' } });

    // JSON keeps the last of a repeated key: the limit counts the very account Auth.js signs in.
    const json = await signIn(uniqueIp(), (csrfToken) => ({
      type: "application/json",
      text: `{"email":${JSON.stringify(decoy)},"email":${JSON.stringify(victim.email)},"password":${JSON.stringify(TEST_PASSWORD)},"csrfToken":"${csrfToken}"}`,
    }));
    expect(signsIn(json)).toBe(false);
    expect(json.status).toBe(429);

    const plain = await signIn(uniqueIp(), form([["email", victim.email], ["password", TEST_PASSWORD]]));
    expect(plain.status).toBe(429);
    expect(plain.headers.get("retry-after")).toMatch(/^\d+$/);
  });

  it("counts no address a client claims itself (`next start` alone): guesses spread over many accounts meet the limit", async () => {
    // Each guess names another account, from another made-up address: only the limit per address could stop them.
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      const account = `spray-${randomBytes(4).toString("hex")}@reel.test`;
      statuses.push((await signIn({ claimed: uniqueIp() }, form([["email", account], ["password", "guess"]]))).status);
    }
    expect(statuses).toContain(429);
    const after = await signIn({ claimed: uniqueIp() }, form([["email", `spray-${randomBytes(4).toString("hex")}@reel.test`], ["password", "guess"]]));
    expect(after.status).toBe(429);
    // The address the web server stamped is still the caller's own.
    const user = await createTestUser();
    expect(signsIn(await signIn(uniqueIp(), form([["email", user.email], ["password", TEST_PASSWORD]])))).toBe(true);
  });

  it("reads a bounded body: an oversized form is a 413 before anything is parsed", async () => {
    const user = await createTestUser();
    const huge = await signIn(uniqueIp(), form([["email", user.email], ["password", TEST_PASSWORD], ["padding", "x".repeat(64 * 1024)]]));
    expect(huge.status).toBe(413);
    expect(signsIn(huge)).toBe(false);
  });
});
