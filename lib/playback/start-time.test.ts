import { describe, expect, it } from "vitest";
import { formatStartTime, parseStartTime } from "./start-time";

describe("?t= start time", () => {
  it("reads plain seconds, YouTube's h/m/s form and clock form", () => {
    expect(parseStartTime("83")).toBe(83);
    expect(parseStartTime("83s")).toBe(83);
    expect(parseStartTime("1m23s")).toBe(83);
    expect(parseStartTime("1M23S")).toBe(83);
    expect(parseStartTime("2m")).toBe(120);
    expect(parseStartTime("1h2m3s")).toBe(3723);
    expect(parseStartTime("1:23")).toBe(83);
    expect(parseStartTime("1:02:03")).toBe(3723);
    expect(parseStartTime("12.5")).toBe(12.5);
    expect(parseStartTime("0")).toBe(0);
  });

  it("refuses what is not a time", () => {
    for (const bad of [undefined, null, "", "-5", "abc", "1m23", "h", "1:75", "1e3", "Infinity", "1:2:3:4", "9".repeat(20), "999999999"]) {
      expect(parseStartTime(bad)).toBeNull();
    }
  });

  it("writes what it reads", () => {
    expect(formatStartTime(83)).toBe("1m23s");
    expect(formatStartTime(83.9)).toBe("1m23s");
    expect(formatStartTime(9)).toBe("9s");
    expect(formatStartTime(3600)).toBe("1h0m0s");
    for (const s of [0, 9, 60, 83, 3723]) expect(parseStartTime(formatStartTime(s))).toBe(s);
  });
});
