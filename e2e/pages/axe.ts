import { createRequire } from "node:module";
import fs from "node:fs/promises";
import type { Page } from "@playwright/test";

const require = createRequire(import.meta.url);
let source: Promise<string> | null = null;

export type AxeViolation = { id: string; impact: string | null; help: string; targets: string[] };

/**
 * Runs axe-core on the page as it stands and gives its serious and critical violations. axe is evaluated through
 * the DevTools protocol, so the page's Content-Security-Policy stays as strict as it is for viewers.
 * label-content-name-mismatch is one of axe's "experimental" rules (off by default): it is turned on here.
 */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  source ??= fs.readFile(require.resolve("axe-core/axe.min.js"), "utf8");
  await page.evaluate(await source);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, options: object) => Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[] }> } }).axe;
    const result = await axe.run(document, { resultTypes: ["violations"], rules: { "label-content-name-mismatch": { enabled: true } } });
    return result.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(" ")) }));
  });
}
