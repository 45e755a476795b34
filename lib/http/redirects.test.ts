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
  it("uses the host the client asked for, http unless a trusted proxy forwarded https", () => {
    expect(publicOrigin(new Headers({ host: "reel.example:8080" }), 0)).toBe("http://reel.example:8080");
    const proxied = new Headers({ host: "internal:3000", "x-forwarded-host": "reel.example, proxy", "x-forwarded-proto": "https,http" });
    expect(publicOrigin(proxied, 2)).toBe("https://reel.example");
    expect(publicOrigin(proxied, 1)).toBe("http://proxy");
    expect(publicOrigin(new Headers({ host: "reel.example", "x-forwarded-proto": "gopher" }), 1)).toBe("http://reel.example");
  });

  it("ignores forwarded host and scheme without a trusted proxy: anyone can write them", () => {
    expect(publicOrigin(new Headers({ host: "reel.example", "x-forwarded-host": "evil.example", "x-forwarded-proto": "https" }), 0)).toBe("http://reel.example");
  });
});
