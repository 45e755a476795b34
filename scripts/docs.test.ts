import fs from "node:fs/promises";
import { describe, expect, it } from "vitest";

/** The settings lib/env.ts declares, in order: the one source the documentation must follow. */
async function declaredSettings() {
  const source = await fs.readFile("lib/env.ts", "utf8");
  const schema = source.slice(source.indexOf("const schema = z.object({"), source.indexOf("\n});"));
  return [...schema.matchAll(/^ {2}([A-Z][A-Z0-9_]+):/gm)].map((m) => m[1]);
}

describe("configuration documentation", () => {
  it("the README's table lists exactly the settings of lib/env.ts", async () => {
    const readme = await fs.readFile("README.md", "utf8");
    const table = [...readme.matchAll(/^\| `([A-Z][A-Z0-9_]+)` \|/gm)].map((m) => m[1]);
    expect(table).toEqual(await declaredSettings());
  });

  it(".env.example documents exactly the settings of lib/env.ts", async () => {
    const example = await fs.readFile(".env.example", "utf8");
    const documented = [...example.matchAll(/^# ?([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]);
    expect(new Set(documented)).toEqual(new Set(await declaredSettings()));
    expect(documented).toHaveLength(new Set(documented).size);
  });
});
