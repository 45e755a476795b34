import { describe, expect, it } from "vitest";
import { authorize, refusal, type Access } from "./access";
import type { Viewer } from "./viewer";

const viewer = (role: "admin" | "member", canUpload: boolean): Viewer => ({ id: "u", email: "u@reel.test", name: "U", role, canUpload, via: "session" });
const member = viewer("member", false);
const uploader = viewer("member", true);
const admin = viewer("admin", false);

describe("access table", () => {
  it.each<[Access, Viewer | null, "unauthorized" | "forbidden" | null]>([
    ["anyone", null, null],
    ["public", null, null],
    ["user", null, "unauthorized"],
    ["user", member, null],
    ["uploader", null, "unauthorized"],
    ["uploader", member, "forbidden"],
    ["uploader", uploader, null],
    ["uploader", admin, null],
    ["admin", null, "unauthorized"],
    ["admin", uploader, "forbidden"],
    ["admin", admin, null],
  ])("%s, viewer %o → %s", (access, who, code) => {
    expect(refusal(who, access)?.code ?? null).toBe(code);
    if (code) expect(() => authorize(who, access)).toThrow(expect.objectContaining({ code }));
    else expect(authorize(who, access)).toBe(who);
  });
});
