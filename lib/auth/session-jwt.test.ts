import { hkdfSync } from "node:crypto";
import { CompactEncrypt } from "jose";
import { decode, encode } from "next-auth/jwt";
import { describe, expect, it } from "vitest";
import { decodeSessionJwt } from "./session-jwt";

const secret = "a session secret of at least thirty-two characters";
const salt = "authjs.session-token";

/** A JWE as Auth.js would seal it (same key), with any header and plaintext: for cases Auth.js never writes. */
async function seal(plaintext: string, header: Record<string, unknown> = {}) {
  const key = new Uint8Array(hkdfSync("sha256", secret, salt, `Auth.js Generated Encryption Key (${salt})`, 64));
  return new CompactEncrypt(new TextEncoder().encode(plaintext)).setProtectedHeader({ alg: "dir", enc: "A256CBC-HS512", ...header }).encrypt(key);
}

/** Flips one character of a token's part `index` (0 header … 4 tag) to another valid base64url character. */
function tamper(token: string, index: number) {
  const parts = token.split(".");
  const part = parts[index];
  const at = Math.floor(part.length / 2);
  parts[index] = part.slice(0, at) + (part[at] === "A" ? "B" : "A") + part.slice(at + 1);
  return parts.join(".");
}

describe("session JWT", () => {
  it("reads what Auth.js writes, as Auth.js reads it", async () => {
    const token = await encode({ token: { sub: "0b7c3f5e-3d55-4f07-9d0a-6c1d2b3e4f50", sessionVersion: 3, name: "é ✓" }, secret, salt });
    expect(await decodeSessionJwt(token, secret, salt)).toEqual(await decode({ token, secret, salt }));
    expect((await decodeSessionJwt(token, secret, salt))?.sessionVersion).toBe(3);
  });

  it("refuses an altered token, another secret or cookie name, an expired one and garbage", async () => {
    const token = await encode({ token: { sub: "someone" }, secret, salt });
    for (const part of [2, 3, 4]) await expect(decodeSessionJwt(tamper(token, part), secret, salt), `part ${part}`).rejects.toThrow();
    await expect(decodeSessionJwt(token, "another secret of at least thirty-two characters", salt)).rejects.toThrow();
    await expect(decodeSessionJwt(token, secret, "__Secure-authjs.session-token")).rejects.toThrow();
    const expired = await encode({ token: { sub: "someone" }, secret, salt, maxAge: -60 });
    await expect(decode({ token: expired, secret, salt })).rejects.toThrow();
    await expect(decodeSessionJwt(expired, secret, salt)).rejects.toThrow();
    await expect(decodeSessionJwt("a.b.c.d.e", secret, salt)).rejects.toThrow();
    await expect(decodeSessionJwt("not a token", secret, salt)).rejects.toThrow();
  });

  it("checks the claims as jose does: nbf, exp within the clock tolerance, numeric dates, an object", async () => {
    const now = Math.floor(Date.now() / 1000);
    const claims = (extra: object) => JSON.stringify({ sub: "someone", iat: now, ...extra });
    expect((await decodeSessionJwt(await seal(claims({ exp: now - 5, nbf: now + 5 })), secret, salt))?.sub).toBe("someone");
    await expect(decodeSessionJwt(await seal(claims({ exp: now - 16 })), secret, salt)).rejects.toThrow(/"exp"/);
    await expect(decodeSessionJwt(await seal(claims({ nbf: now + 60 })), secret, salt)).rejects.toThrow(/"nbf"/);
    await expect(decodeSessionJwt(await seal(claims({ iat: String(now) })), secret, salt)).rejects.toThrow(/"iat"/);
    for (const plaintext of ["[1]", "null", "not json"]) await expect(decodeSessionJwt(await seal(plaintext), secret, salt), plaintext).rejects.toThrow();
  });

  it("leaves a header Auth.js does not write to jose, which reads it as Auth.js does", async () => {
    const withType = await seal(JSON.stringify({ sub: "someone" }), { cty: "JWT" });
    expect(await decodeSessionJwt(withType, secret, salt)).toEqual(await decode({ token: withType, secret, salt }));
    const replicated = await seal(JSON.stringify({ sub: "someone" }), { sub: "someone else" });
    await expect(decodeSessionJwt(replicated, secret, salt)).rejects.toThrow(/replicated/);
  });
});
