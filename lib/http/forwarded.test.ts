import { describe, expect, it } from "vitest";
import { forwarded, requestHost, requestProtocol } from "./forwarded";

const h = (init: Record<string, string>) => new Headers(init);

describe("forwarded headers", () => {
  const spoofed = h({ host: "reel.example", "x-forwarded-host": "evil.example", "x-forwarded-proto": "https", "x-forwarded-for": "203.0.113.9" });

  it("are ignored without trusted proxies", () => {
    for (const name of ["for", "host", "proto"] as const) expect(forwarded(spoofed, name, 0)).toBeNull();
    expect(requestHost(spoofed, 0)).toBe("reel.example");
    expect(requestProtocol(spoofed, 0)).toBe("http");
  });

  it("behind N trusted proxies give the entry the outermost one wrote, not what the client sent before it", () => {
    const chain = h({ host: "internal:3000", "x-forwarded-host": "evil.example, reel.example, edge.internal", "x-forwarded-proto": "http, https, http" });
    expect(requestHost(chain, 1)).toBe("edge.internal");
    expect(requestHost(chain, 2)).toBe("reel.example");
    expect(requestProtocol(chain, 2)).toBe("https");
    expect(requestHost(h({ host: "internal:3000", "x-forwarded-host": "reel.example" }), 3)).toBe("reel.example");
    expect(requestHost(h({ host: "internal:3000" }), 1)).toBe("internal:3000");
  });

  it("say https whatever its case, and only from the outermost trusted proxy's entry", () => {
    expect(requestProtocol(h({ "x-forwarded-proto": "HTTPS" }), 1)).toBe("https");
    expect(requestProtocol(h({ "x-forwarded-proto": "https, http" }), 1)).toBe("http");
    expect(requestProtocol(h({ "x-forwarded-proto": "https" }), 3)).toBe("https");
    expect(requestProtocol(h({}), 1)).toBe("http");
  });
});
