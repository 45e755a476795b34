import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";


/** lib/<domain> of a path inside lib/ (posix, with or without extension); null for lib/'s own root files. */
function domainOf(file: string): string | null {
  const parts = file.split("/");
  return parts[0] === "lib" && parts.length > 2 ? `lib/${parts[1]}` : null;
}

/** Which lib/ domains each lib/ domain imports (type-only imports left out: they vanish at run time). */
function domainGraph(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  const files = fs.readdirSync("lib", { recursive: true, encoding: "utf8" }).filter((f) => /\.tsx?$/.test(f) && !f.includes(".test."));
  for (const relative of files) {
    const file = path.posix.join("lib", relative.split(path.sep).join("/"));
    const from = domainOf(file);
    if (!from) continue;
    const source = fs.readFileSync(file, "utf8");
    for (const match of source.matchAll(/^(?:import|export)(?!\s+type\b)[^"]*?from\s+"([^"]+)"|^import\s+"([^"]+)"|import\("([^"]+)"\)/gm)) {
      const target = match[1] ?? match[2] ?? match[3];
      const resolved = target.startsWith("@/") ? target.slice(2) : target.startsWith(".") ? path.posix.join(path.posix.dirname(file), target) : null;
      const to = resolved ? domainOf(resolved) : null;
      if (!to || to === from) continue;
      if (!graph.has(from)) graph.set(from, new Set());
      graph.get(from)!.add(to);
    }
  }
  return graph;
}

/** Strongly connected groups of more than one domain (Tarjan). */
function cycles(graph: Map<string, Set<string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const out: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (stack.includes(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const group: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        group.push(w);
      } while (w !== v);
      if (group.length > 1) out.push(group.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return out;
}

describe("lib/ folders", () => {
  it("import each other without cycles", () => {
    expect(cycles(domainGraph())).toEqual([]);
  });
});
