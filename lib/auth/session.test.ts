import { encode } from "next-auth/jwt";
import { describe, expect, it } from "vitest";
import { env } from "@/lib/env";
import { createTestUser } from "@/test/factories";
import { requireAdmin, requireUploader, requireViewer, sessionUserId } from "./session";

async function jwt(sub: string, salt: string) {
  return encode({ token: { sub }, secret: env.AUTH_SECRET!, salt });
}

const withCookie = (cookie: string) => new Request("http://reel.test/", { headers: { cookie } });

describe("session cookie", () => {
  it("reads the plain, the __Secure- and the chunked forms of Auth.js's cookie", async () => {
    const id = "0b7c3f5e-3d55-4f07-9d0a-6c1d2b3e4f50";
    const plain = await jwt(id, "authjs.session-token");
    const secure = await jwt(id, "__Secure-authjs.session-token");
    expect(await sessionUserId(`other=1; authjs.session-token=${plain}`)).toBe(id);
    expect(await sessionUserId(`__Secure-authjs.session-token=${secure}`)).toBe(id);
    const half = Math.floor(plain.length / 2);
    expect(await sessionUserId(`authjs.session-token.0=${plain.slice(0, half)}; authjs.session-token.1=${plain.slice(half)}`)).toBe(id);
  });

  it("rejects a token sealed for the other cookie name, a bad secret, or garbage", async () => {
    const id = "0b7c3f5e-3d55-4f07-9d0a-6c1d2b3e4f50";
    expect(await sessionUserId(`authjs.session-token=${await jwt(id, "__Secure-authjs.session-token")}`)).toBeNull();
    const foreign = await encode({ token: { sub: id }, secret: "another secret of forty characters......", salt: "authjs.session-token" });
    expect(await sessionUserId(`authjs.session-token=${foreign}`)).toBeNull();
    expect(await sessionUserId("authjs.session-token=not-a-jwt")).toBeNull();
    expect(await sessionUserId(null)).toBeNull();
  });
});

describe("require*", () => {
  it("asks for a viewer, then for the role or right", async () => {
    const member = await createTestUser();
    const uploader = await createTestUser({ canUpload: true });
    const admin = await createTestUser({ role: "admin" });
    const as = async (id: string) => withCookie(`authjs.session-token=${await jwt(id, "authjs.session-token")}`);

    await expect(requireViewer(withCookie(""))).rejects.toMatchObject({ code: "unauthorized" });
    expect((await requireViewer(await as(member.id))).id).toBe(member.id);
    await expect(requireUploader(await as(member.id))).rejects.toMatchObject({ code: "forbidden" });
    expect((await requireUploader(await as(uploader.id))).id).toBe(uploader.id);
    expect((await requireUploader(await as(admin.id))).id).toBe(admin.id);
    await expect(requireAdmin(await as(uploader.id))).rejects.toMatchObject({ code: "forbidden" });
    expect((await requireAdmin(await as(admin.id))).role).toBe("admin");

    const gone = await createTestUser({ disabled: true });
    await expect(requireViewer(await as(gone.id))).rejects.toMatchObject({ code: "unauthorized" });
  });
});
