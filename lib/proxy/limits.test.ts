import { describe, expect, it } from "vitest";
import { ProxyLimiter } from "./limits";

describe("ProxyLimiter", () => {
  it("caps streams open at once per user, and frees a place when one ends", () => {
    const limiter = new ProxyLimiter({ maxStreams: 2, perMinute: 600 });
    expect(limiter.admit("a", 0)).toBeNull();
    expect(limiter.admit("a", 0)).toBeNull();
    expect(limiter.admit("a", 0)).toBe("streams");
    expect(limiter.admit("b", 0)).toBeNull();
    limiter.release("a");
    expect(limiter.admit("a", 0)).toBeNull();
  });

  it("limits the request rate with bursts of a quarter minute's worth", () => {
    const limiter = new ProxyLimiter({ maxStreams: 1000, perMinute: 40 });
    const admitted = Array.from({ length: 12 }, () => limiter.admit("a", 0));
    expect(admitted.filter((r) => r === null)).toHaveLength(10);
    expect(admitted.at(-1)).toBe("rate");
    // 1.5 s later one more token has come (40 per minute).
    expect(limiter.admit("a", 1500)).toBeNull();
    expect(limiter.admit("a", 1500)).toBe("rate");
  });
});
