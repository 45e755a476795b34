import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { createTestUser } from "@/test/factories";
import { createApiToken, listApiTokens, revokeApiToken } from "./api-tokens";
import { authenticateApiToken } from "./queries";
import { getViewer } from "./session";
import { bearerToken, hashToken, INVITE_PREFIX, newSecret, TOKEN_PREFIX } from "./tokens";

const bearer = (token: string) => new Request("http://reel.test/api/x", { headers: { authorization: `Bearer ${token}` } });

describe("API tokens", () => {
  it("stores only a SHA-256 of the token, and shows a short prefix", async () => {
    const user = await createTestUser();
    const created = await createApiToken(user.id, "  nightly backup ");
    expect(created.token).toMatch(/^reel_[A-Za-z0-9_-]{43}$/);
    expect(created.name).toBe("nightly backup");
    expect(created.prefix).toBe(created.token.slice(0, 11));
    const rows = await db.execute<{ token_hash: string }>(sql`select token_hash from api_tokens where id = ${created.id}`);
    expect(rows[0].token_hash).toBe(hashToken(created.token));
    expect(rows[0].token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(await listApiTokens(user.id))).not.toContain(created.token);
    await expect(createApiToken(user.id, "   ")).rejects.toThrow();
  });

  it("looks tokens up by hash, stamps last use, and stops at revocation", async () => {
    const user = await createTestUser({ canUpload: true });
    const { token, id } = await createApiToken(user.id, "laptop");
    expect((await listApiTokens(user.id))[0].lastUsedAt).toBeNull();

    expect(await getViewer(bearer(token))).toEqual({ id: user.id, email: user.email, name: user.name, role: "member", canUpload: true, via: "token" });
    const used = (await listApiTokens(user.id))[0].lastUsedAt;
    expect(used).toBeInstanceOf(Date);
    // Stamped at most once a minute: a second call does not rewrite the row.
    await authenticateApiToken(hashToken(token));
    expect((await listApiTokens(user.id))[0].lastUsedAt).toEqual(used);

    expect(await getViewer(bearer(`${token}x`))).toBeNull();
    const other = await createTestUser();
    expect(await revokeApiToken(other.id, id)).toBe(false);
    expect(await getViewer(bearer(token))).not.toBeNull();
    expect(await revokeApiToken(user.id, id)).toBe(true);
    expect(await revokeApiToken(user.id, id)).toBe(false);
    expect(await getViewer(bearer(token))).toBeNull();
    expect(await listApiTokens(user.id)).toEqual([]);
  });

  it("refuses tokens of disabled users", async () => {
    const user = await createTestUser({ disabled: true });
    const { token } = await createApiToken(user.id, "old");
    expect(await getViewer(bearer(token))).toBeNull();
  });

  it("recognises only Reel API tokens in the Authorization header", () => {
    const { token } = newSecret(TOKEN_PREFIX);
    expect(bearerToken(`Bearer ${token}`)).toBe(token);
    expect(bearerToken(`bearer   ${token}  `)).toBe(token);
    expect(bearerToken(`Basic ${token}`)).toBeNull();
    expect(bearerToken("Bearer some.jwt.value")).toBeNull();
    expect(bearerToken(`Bearer ${newSecret(INVITE_PREFIX).token}`)).toBeNull();
    expect(bearerToken(null)).toBeNull();
  });
});
