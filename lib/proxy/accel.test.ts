import * as crypto from "node:crypto";
import { describe, expect, it, vi } from "vitest";
import { accelMark } from "./accel";

// Node's own timingSafeEqual, watched: the test asserts what the secret is compared with, not how long it takes (a
// stopwatch on a shared two-core machine could not tell a byte-by-byte comparison of 64 characters from this one).
vi.mock("node:crypto", async (importOriginal) => {
  const original = await importOriginal<typeof import("node:crypto")>();
  return { ...original, timingSafeEqual: vi.fn(original.timingSafeEqual) };
});
const timingSafeEqual = vi.mocked(crypto.timingSafeEqual);

const secret = crypto.randomBytes(32).toString("hex");

describe("accelMark", () => {
  it("reads nginx's marks when they carry the secret", () => {
    expect(accelMark(`front ${secret}`, secret)).toBe("front");
    expect(accelMark(`fallback ${secret}`, secret)).toBe("fallback");
  });

  it("a mark without the secret, with another or with more is no mark", () => {
    const wrong = `${secret.slice(0, -1)}${secret.endsWith("0") ? "1" : "0"}`;
    for (const value of [
      "front",
      "fallback",
      "front ",
      `front ${wrong}`,
      `fallback ${wrong}`,
      `front ${secret} `,
      `front ${secret}${secret}`,
      `front  ${secret}`,
      `front ${secret.slice(0, 32)}`,
      `Front ${secret}`,
      `other ${secret}`,
      secret,
      "",
      null,
      undefined,
    ]) {
      expect(accelMark(value, secret), String(value)).toBeNull();
    }
  });

  it("without a configured secret no mark counts, not even an empty one", () => {
    expect(accelMark("front ", "")).toBeNull();
    expect(accelMark("front undefined", undefined)).toBeNull();
  });

  it("compares the secret in constant time, as equal-length digests, whatever length was sent", () => {
    for (const given of ["x", secret.slice(0, -1), secret, `${secret}0`, "y".repeat(10_000)]) {
      timingSafeEqual.mockClear();
      accelMark(`front ${given}`, secret);
      expect(timingSafeEqual).toHaveBeenCalledTimes(1);
      const [a, b] = timingSafeEqual.mock.calls[0] as [Buffer, Buffer];
      expect([a.length, b.length]).toEqual([32, 32]);
      expect(a.equals(b)).toBe(given === secret);
    }
  });
});
