import { describe, expect, it } from "vitest";
import { toCsv } from "./service";

describe("CSV", () => {
  it("quotes separators and defuses formulas", () => {
    expect(toCsv([{ a: 1, b: 'say "hi", ok' }, { a: null, b: "=HYPERLINK(1)" }])).toBe('a,b\r\n1,"say ""hi"", ok"\r\n,\'=HYPERLINK(1)\r\n');
    expect(toCsv([])).toBe("");
  });
});
