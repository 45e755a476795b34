import { describe, expect, it } from "vitest";
import { publicOrigin } from "./origin";
import { safeReturnPath } from "./redirects";

describe("safeReturnPath", () => {
  it("keeps paths on this site", () => {
    expect(safeReturnPath("/settings/tokens")).toBe("/settings/tokens");
    expect(safeReturnPath("/videos?tag=cats#top")).toBe("/videos?tag=cats#top");
  });

  it("refuses other origins, odd values and the sign-in pages themselves", () => {
    for (const bad of ["//evil.example/x", "/\\evil.example", "https://evil.example/", "javascript:alert(1)", "/login", "/login?callbackUrl=/x", "/setup", "/invite/reeli_x", "/api/users", "/\u0000x", undefined, 42]) {
      expect(safeReturnPath(bad), String(bad)).toBe("/");
    }
  });
});

describe("publicOrigin", () => {
  it("uses the host the client asked for, first hop only, http unless https was forwarded", () => {
    expect(publicOrigin(new Headers({ host: "reel.example:8080" }))).toBe("http://reel.example:8080");
    expect(publicOrigin(new Headers({ host: "internal:3000", "x-forwarded-host": "reel.example, proxy", "x-forwarded-proto": "https,http" }))).toBe("https://reel.example");
    expect(publicOrigin(new Headers({ host: "reel.example", "x-forwarded-proto": "gopher" }))).toBe("http://reel.example");
  });
});
