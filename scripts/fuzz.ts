/**
 * npm run fuzz [-- <vitest filter>]
 *
 * Every fuzz target (`*.fuzz.test.ts`, see test/fuzz.ts) with 100,000 cases each, from the fixed
 * seed, and 100 damaged media files through the real pipeline (REEL_DAMAGED_MEDIA_COUNT), through `npm test -- --unit` (so on the same Postgres set-up as the suite). REEL_FUZZ_RUNS
 * and REEL_FUZZ_SEED override the count and the seed. Prints one line per target (cases, seed,
 * outcome, time) and ends with a summary line; exits non-zero if any target failed or none ran.
 */
import { spawn } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { FuzzResult } from "@/test/fuzz";

const DEFAULT_RUNS = "100000";
/** Damaged files sent through the real pipeline (workers/damaged-media.fuzz.test.ts); 20 under `npm test`. */
const DAMAGED_MEDIA_FILES = "100";

const dir = await fs.mkdtemp(path.join(os.tmpdir(), "reel-fuzz-"));
const report = path.join(dir, "results.jsonl");
const runs = process.env.REEL_FUZZ_RUNS || DEFAULT_RUNS;
const started = performance.now();
const code = await new Promise<number | null>((resolve, reject) => {
  const child = spawn(process.execPath, ["--import", "tsx", path.join("scripts", "test.ts"), "--unit", ...(process.argv.length > 2 ? process.argv.slice(2) : [".fuzz.test.ts"])], {
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, REEL_FUZZ_RUNS: runs, REEL_DAMAGED_MEDIA_COUNT: process.env.REEL_DAMAGED_MEDIA_COUNT || DAMAGED_MEDIA_FILES, REEL_FUZZ_REPORT: report },
  });
  child.once("error", reject);
  child.once("exit", (exitCode) => resolve(exitCode));
});
const seconds = (performance.now() - started) / 1000;

const results: FuzzResult[] = (await fs.readFile(report, "utf8").catch(() => ""))
  .split("\n")
  .filter(Boolean)
  .map((line) => JSON.parse(line));
await fs.rm(dir, { recursive: true, force: true });

const files = [...new Set(results.map((r) => r.file))].sort();
console.log("\nfuzz results");
for (const file of files) {
  console.log(`  ${file}`);
  for (const r of results.filter((x) => x.file === file)) {
    console.log(`    ${r.ok ? "ok    " : "FAILED"} ${r.runs.toLocaleString("en").padStart(9)} cases  seed ${r.seed}  ${(r.ms / 1000).toFixed(1).padStart(6)} s  ${r.target}`);
  }
}
const failed = results.filter((r) => !r.ok).length;
const cases = results.reduce((sum, r) => sum + r.runs, 0);
const seeds = [...new Set(results.map((r) => r.seed))].join(", ");
console.log(
  `fuzz: ${files.length} targets, ${results.length} properties, ${cases.toLocaleString("en")} cases, ${failed} failed` +
    `${code !== 0 && failed === 0 ? " (the test run itself failed: see above)" : ""}, seed ${seeds || "-"}, ${seconds.toFixed(0)} s`,
);
process.exit(code === 0 && failed === 0 && results.length > 0 ? 0 : 1);
