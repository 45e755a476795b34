import { describe, expect, it } from "vitest";
import { progressFraction, timeLeftLabel } from "./format";
import { highlight, snippet } from "./highlight";
import { catalogQuerySchema, decodeCursor, effectiveSort, encodeCursor, mergeUpNext, prefixTsquery, searchTokens } from "./rules";

describe("search input", () => {
  it("keeps only words, so nothing reaching to_tsquery can be an operator", () => {
    expect(searchTokens("  Big-Buck & !bunny:* | (Été) ")).toEqual(["big", "buck", "bunny", "été"]);
    expect(prefixTsquery(searchTokens("ocean wave"))).toBe("ocean:* & wave:*");
    expect(searchTokens("!!! ***")).toEqual([]);
  });

  it("ranks by relevance only while searching", () => {
    expect(effectiveSort(undefined, "cats")).toBe("relevance");
    expect(effectiveSort(undefined, " ?! ")).toBe("newest");
    expect(effectiveSort("relevance", undefined)).toBe("newest");
    expect(effectiveSort("title", "cats")).toBe("title");
  });

  it("parses tags given as a list or repeated, and names the bad field", () => {
    expect(catalogQuerySchema.parse({ tags: "a, b,a" }).tags).toEqual(["a", "b"]);
    expect(catalogQuerySchema.parse({ tags: ["a", "c"] }).tags).toEqual(["a", "c"]);
    const bad = catalogQuerySchema.safeParse({ sort: "random" });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0].path).toEqual(["sort"]);
  });
});

describe("cursors", () => {
  it("round-trip, and refuse another sort's cursor or garbage with a 400", () => {
    const c = encodeCursor({ s: "newest", k: ["2026-01-01 10:00:00.123456+00", "6b1c0d5e-0000-4000-8000-000000000000"] });
    expect(decodeCursor(c, "newest").k[0]).toBe("2026-01-01 10:00:00.123456+00");
    expect(() => decodeCursor(c, "title")).toThrow(expect.objectContaining({ status: 400 }));
    expect(() => decodeCursor("%%%", "title")).toThrow(expect.objectContaining({ status: 400 }));
  });
});

describe("highlighting", () => {
  it("marks prefix and close typo matches and nothing else", () => {
    expect(highlight("Mountain biking & mountaineers", ["mount"])).toEqual([
      { text: "Mountain", match: true },
      { text: " biking & ", match: false },
      { text: "mountaineers", match: true },
    ]);
    expect(highlight("Big Buck Bunny", ["bunyn"]).filter((s) => s.match).map((s) => s.text)).toEqual(["Bunny"]);
    expect(highlight("<b>x</b>", ["b"])).toEqual([
      { text: "<", match: false },
      { text: "b", match: true },
      { text: ">x</", match: false },
      { text: "b", match: true },
      { text: ">", match: false },
    ]);
  });

  it("cuts a description around its first match", () => {
    const text = `${"filler ".repeat(40)}the harbor at dawn ${"more ".repeat(40)}`;
    const segments = snippet(text, ["harbor"], 60)!;
    const joined = segments.map((s) => s.text).join("");
    expect(joined.startsWith("…")).toBe(true);
    expect(joined.endsWith("…")).toBe(true);
    expect(segments.find((s) => s.match)?.text).toBe("harbor");
    expect(snippet("nothing here", ["zebra"])).toBeNull();
  });
});

describe("progress labels", () => {
  it("says how much is left", () => {
    expect(timeLeftLabel(720, 1440)).toBe("12 min left");
    expect(timeLeftLabel(100, 130)).toBe("30 s left");
    expect(timeLeftLabel(0, 5400)).toBe("1 h 30 min left");
    expect(timeLeftLabel(10, null)).toBeNull();
    expect(progressFraction(720, 1440)).toBe(0.5);
    expect(progressFraction(2000, 1440)).toBe(1);
  });
});

describe("up next", () => {
  it("keeps the lists' order, drops the current video and repeats, and stops at the limit", () => {
    const v = (id: string) => ({ id });
    const merged = mergeUpNext("now", [[v("a"), v("now")], [v("b"), v("a")], [v("c"), v("d"), v("e")]], 4);
    expect(merged.map((x) => x.id)).toEqual(["a", "b", "c", "d"]);
  });
});
