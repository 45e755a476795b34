import { describe, expect, it } from "vitest";
import { linkify } from "./linkify";

describe("linkify", () => {
  it("turns http(s) addresses into links and leaves the rest as text", () => {
    expect(linkify("See https://example.com/a?b=1 and http://x.example.")).toEqual([
      { text: "See " },
      { text: "https://example.com/a?b=1", href: "https://example.com/a?b=1" },
      { text: " and " },
      { text: "http://x.example", href: "http://x.example/" },
      { text: "." },
    ]);
  });

  it("keeps parentheses that belong to the address and drops those around it", () => {
    expect(linkify("(https://en.wikipedia.org/wiki/Foo_(bar))")).toEqual([
      { text: "(" },
      { text: "https://en.wikipedia.org/wiki/Foo_(bar)", href: "https://en.wikipedia.org/wiki/Foo_(bar)" },
      { text: ")" },
    ]);
  });

  it("never links other schemes and never produces markup", () => {
    const runs = linkify('javascript:alert(1) <a href="https://evil.example">x</a> data:text/html,hi');
    expect(runs.filter((r) => r.href)).toEqual([{ text: "https://evil.example", href: "https://evil.example/" }]);
    expect(runs.map((r) => r.text).join("")).toBe('javascript:alert(1) <a href="https://evil.example">x</a> data:text/html,hi');
  });

  it("gives text without addresses back whole", () => {
    expect(linkify("no links here")).toEqual([{ text: "no links here" }]);
    expect(linkify("")).toEqual([]);
  });
});
