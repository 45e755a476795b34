import { encode } from "next-auth/jwt";
import { redirect } from "next/navigation";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createApiToken, revokeApiToken } from "@/lib/auth/api-tokens";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { updateUserRow } from "@/lib/users/queries";
import { db } from "@/lib/db/client";
import { createTestUser } from "@/test/factories";
import { route } from "./route";

const url = "http://reel.test/api/thing";

async function sessionCookie(userId: string) {
  const name = "authjs.session-token";
  return `${name}=${await encode({ token: { sub: userId }, secret: env.AUTH_SECRET!, salt: name })}`;
}

const whoami = (access: "anyone" | "public" | "user" | "uploader" | "admin") =>
  route({ access }, ({ viewer }) => ({ id: viewer?.id ?? null, via: viewer?.via ?? null }));

describe("route(): errors", () => {
  it("maps an AppError to its status, JSON body and headers", async () => {
    const handler = route({ access: "public" }, () => {
      throw new AppError("rate_limited", "Slow down", { retryAfterSeconds: 30 }, { "Retry-After": "30" });
    });
    const res = await handler(new Request(url));
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("30");
    expect(await res.json()).toEqual({ error: { code: "rate_limited", message: "Slow down", details: { retryAfterSeconds: 30 } } });
  });

  it("answers 400 naming the invalid field of the body, query and path", async () => {
    const handler = route(
      { access: "public", params: z.object({ id: z.uuid() }), query: z.object({ limit: z.coerce.number().max(50).optional() }), body: z.object({ title: z.string().min(1) }) },
      ({ body }) => body,
    );
    const ctx = (id: string) => ({ params: Promise.resolve({ id }) });
    const id = "6f1d2c1e-8f4b-4c1e-9d2a-1b2c3d4e5f60";

    const badBody = await handler(new Request(url, { method: "POST", body: JSON.stringify({ title: "" }) }), ctx(id));
    expect(badBody.status).toBe(400);
    const json = await badBody.json();
    expect(json.error.code).toBe("bad_request");
    expect(json.error.message).toMatch(/^Invalid body: title: /);
    expect(json.error.details.fields[0].field).toBe("title");

    const badQuery = await handler(new Request(`${url}?limit=500`, { method: "POST", body: '{"title":"x"}' }), ctx(id));
    expect((await badQuery.json()).error.details.fields[0].field).toBe("limit");

    const badPath = await handler(new Request(url, { method: "POST", body: '{"title":"x"}' }), ctx("nope"));
    expect((await badPath.json()).error.details.fields[0].field).toBe("id");

    const ok = await handler(new Request(url, { method: "POST", body: '{"title":"x"}' }), ctx(id));
    expect(ok.status).toBe(200);
    expect(ok.headers.get("cache-control")).toBe("private, no-store");
    expect(await ok.json()).toEqual({ title: "x" });
  });

  it("rejects malformed and oversized JSON bodies", async () => {
    const handler = route({ access: "public", body: z.object({}).passthrough(), maxBodyBytes: 100 }, () => null);
    expect((await handler(new Request(url, { method: "POST", body: "{nope" }))).status).toBe(400);
    expect((await handler(new Request(url, { method: "POST", body: JSON.stringify({ a: "x".repeat(200) }) }))).status).toBe(413);
    const chunked = new ReadableStream({
      start(c) {
        for (let i = 0; i < 5; i++) c.enqueue(new TextEncoder().encode(`{"a":"${"y".repeat(30)}"}`));
        c.close();
      },
    });
    expect((await handler(new Request(url, { method: "POST", body: chunked, duplex: "half" } as RequestInit))).status).toBe(413);
    const empty = await handler(new Request(url, { method: "POST" }));
    expect(empty.status).toBe(204);
  });

  it("answers a body cut off by the client as a client error", async () => {
    const handler = route({ access: "public", body: z.object({}).passthrough() }, () => null);
    const cutOff = new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode('{"position": 1'));
        c.error(new Error("aborted"));
      },
    });
    const res = await handler(new Request(url, { method: "POST", body: cutOff, duplex: "half" } as RequestInit));
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toMatch(/ended before it was complete/);
  });

  it("answers 404 when what the request refers to was deleted meanwhile (a foreign key violation)", async () => {
    const handler = route({ access: "public" }, async () => {
      await db.execute(sql`insert into favorites (user_id, video_id) values (gen_random_uuid(), gen_random_uuid())`);
    });
    const res = await handler(new Request(url, { method: "POST" }));
    expect(res.status).toBe(404);
    expect((await res.json()).error.code).toBe("not_found");
  });

  it("answers an unknown error with a plain 500 that reveals nothing", async () => {
    const handler = route({ access: "public" }, () => {
      throw new Error("password=hunter2 in some query");
    });
    const res = await handler(new Request(url));
    expect(res.status).toBe(500);
    expect(res.headers.get("content-type")).toBe("text/plain");
    expect(await res.text()).toBe("Internal Server Error");
  });

  it("lets Next's redirect() through instead of turning it into a 500", async () => {
    const handler = route({ access: "public" }, () => redirect("/elsewhere"));
    await expect(handler(new Request(url))).rejects.toMatchObject({ digest: expect.stringMatching(/^NEXT_REDIRECT/) });
  });
});

describe("route(): access", () => {
  it("needs a viewer for user routes and the right role for admin and uploader routes", async () => {
    const member = await createTestUser();
    const uploader = await createTestUser({ canUpload: true });
    const admin = await createTestUser({ role: "admin" });
    const as = async (userId: string | null, access: "public" | "user" | "uploader" | "admin") =>
      (await whoami(access)(new Request(url, { headers: userId ? { cookie: await sessionCookie(userId) } : {} }))).status;

    expect(await as(null, "public")).toBe(200);
    expect(await as(null, "user")).toBe(401);
    expect(await as(member.id, "user")).toBe(200);
    expect(await as(member.id, "uploader")).toBe(403);
    expect(await as(uploader.id, "uploader")).toBe(200);
    expect(await as(member.id, "admin")).toBe(403);
    expect(await as(uploader.id, "admin")).toBe(403);
    expect(await as(admin.id, "admin")).toBe(200);
    expect(await as(admin.id, "uploader")).toBe(200);
  });

  it("does not look the caller up at all for `anyone` routes (health answers while the database is down)", async () => {
    const member = await createTestUser();
    const headers = { cookie: await sessionCookie(member.id) };
    expect(await (await whoami("public")(new Request(url, { headers }))).json()).toEqual({ id: member.id, via: "session" });
    const res = await whoami("anyone")(new Request(url, { headers }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: null, via: null });
  });

  it("ignores a forged or foreign session cookie", async () => {
    const member = await createTestUser();
    const forged = `authjs.session-token=${await encode({ token: { sub: member.id }, secret: "x".repeat(40), salt: "authjs.session-token" })}`;
    const res = await whoami("user")(new Request(url, { headers: { cookie: forged } }));
    expect(res.status).toBe(401);
  });

  it("accepts API tokens as Bearer; revoked tokens and disabled users' tokens get 401", async () => {
    const user = await createTestUser();
    const { token, id } = await createApiToken(user.id, "script");
    const call = (t: string) => whoami("user")(new Request(url, { headers: { authorization: `Bearer ${t}` } }));

    const ok = await call(token);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ id: user.id, via: "token" });
    expect((await call(token.slice(0, -1) + (token.endsWith("A") ? "B" : "A"))).status).toBe(401);

    await updateUserRow(db, user.id, { disabledAt: new Date() });
    expect((await call(token)).status).toBe(401);
    await updateUserRow(db, user.id, { disabledAt: null });
    expect((await call(token)).status).toBe(200);

    expect(await revokeApiToken(user.id, id)).toBe(true);
    expect((await call(token)).status).toBe(401);
    // A wrong Bearer never falls back to the cookie of the same request.
    const both = await whoami("user")(new Request(url, { headers: { authorization: `Bearer ${token}`, cookie: await sessionCookie(user.id) } }));
    expect(both.status).toBe(401);
  });

  it("refuses state-changing requests that ride on the cookie from another site", async () => {
    const member = await createTestUser();
    const cookie = await sessionCookie(member.id);
    const post = (headers: Record<string, string>) => whoami("user")(new Request(url, { method: "POST", headers: { cookie, host: "reel.test", ...headers } }));

    expect((await post({ "sec-fetch-site": "cross-site" })).status).toBe(403);
    expect((await post({ "sec-fetch-site": "same-site" })).status).toBe(403);
    expect((await post({ origin: "https://evil.example" })).status).toBe(403);
    // Without a trusted proxy (REEL_TRUST_PROXY=0 here) a forwarded host is the client's own claim.
    expect((await post({ origin: "https://evil.example", "x-forwarded-host": "evil.example" })).status).toBe(403);
    expect((await post({ "sec-fetch-site": "same-origin", origin: "http://reel.test" })).status).toBe(200);
    expect((await post({ origin: "http://reel.test" })).status).toBe(200);
    expect((await post({})).status).toBe(200);
    // Reads are not state changes, and tokens are not sent by browsers on their own.
    expect((await whoami("user")(new Request(url, { headers: { cookie, "sec-fetch-site": "cross-site" } }))).status).toBe(200);
  });
});
