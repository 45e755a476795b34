import { encode } from "next-auth/jwt";
import { afterAll, describe, expect, it } from "vitest";
import { env } from "@/lib/env";
import { closeDb } from "@/lib/db/client";
import { readSessionAnswer } from "@/lib/offline/rules";
import { signOutEverywhere } from "@/lib/users/accounts";
import { asViewer, createTestUser } from "@/test/factories";
import { GET } from "./route";

afterAll(() => closeDb());

async function sessionCookie(userId: string, sessionVersion: number) {
  const name = "authjs.session-token";
  return `${name}=${await encode({ token: { sub: userId, sessionVersion }, secret: env.AUTH_SECRET!, salt: name })}`;
}

async function ask(cookie?: string) {
  const response = await GET(new Request("http://reel.test/api/session", { headers: cookie ? { cookie } : {} }), { params: Promise.resolve({}) });
  return { status: response.status, cacheControl: response.headers.get("cache-control"), answer: readSessionAnswer(response.status, await response.json()) };
}

describe("GET /api/session", () => {
  it("names the account of a live session, and nobody once its sessions were ended elsewhere", async () => {
    const user = await createTestUser();
    const cookie = await sessionCookie(user.id, user.sessionVersion);
    expect(await ask(cookie)).toEqual({ status: 200, cacheControl: "private, no-store", answer: { userId: user.id } });

    await signOutEverywhere(asViewer(user));
    expect(await ask(cookie)).toMatchObject({ status: 401, answer: { userId: null } });
  });

  it("answers nobody without a cookie, and for a disabled account", async () => {
    expect((await ask()).answer).toEqual({ userId: null });
    const disabled = await createTestUser({ disabled: true });
    expect((await ask(await sessionCookie(disabled.id, disabled.sessionVersion))).answer).toEqual({ userId: null });
  });
});
