import path from "node:path";
import { buildSync } from "esbuild";

/** The early start's entry: the page's inline script. */
export const EARLY_START_ENTRY = path.join(process.cwd(), "components", "player", "early", "start.ts");

/**
 * Compiles the early start (start.ts and what it imports) into one plain script, for next.config.ts to inline into
 * the build (REEL_EARLY_START) and for the tests. Run at build time only: esbuild never reaches a browser.
 */
export function buildEarlyStartScript(): string {
  const result = buildSync({
    entryPoints: [EARLY_START_ENTRY],
    bundle: true,
    format: "iife",
    minify: true,
    target: "es2020",
    platform: "browser",
    write: false,
    legalComments: "none",
    logLevel: "silent",
  });
  return result.outputFiles[0].text.trim();
}
