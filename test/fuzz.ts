import fs from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { expect, it } from "vitest";

/**
 * Property-based fuzzing of the modules that face hostile input (`*.fuzz.test.ts` beside them).
 * The case count and seed come from here only:
 * - REEL_FUZZ_RUNS: cases per target; small by default so `npm test` stays quick, 100,000 under
 *   `npm run fuzz` (scripts/fuzz.ts).
 * - REEL_FUZZ_SEED: fixed by default so every run replays the same cases; set it to explore others.
 *   A failure names the seed and the counterexample (fast-check's report), so it can be replayed.
 * - REEL_FUZZ_REPORT: a file scripts/fuzz.ts reads; each target appends one JSON line to it.
 */

export const DEFAULT_FUZZ_RUNS = 1000;
export const FUZZ_RUNS = positiveInt("REEL_FUZZ_RUNS", DEFAULT_FUZZ_RUNS);
export const FUZZ_SEED = positiveInt("REEL_FUZZ_SEED", 20261206);
const REPORT = process.env.REEL_FUZZ_REPORT;

export type FuzzResult = { file: string; target: string; runs: number; seed: number; ok: boolean; ms: number };

function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) throw new Error(`${name} must be a positive integer, not "${raw}"`);
  return Number(raw);
}

/**
 * Adds one target's outcome to the report `npm run fuzz` prints, for targets that are not fast-check
 * properties (damaged media through the pipeline); call it from inside the running test.
 */
export function recordFuzzResult({ target, runs, seed, ok, started }: { target: string; runs: number; seed: number; ok: boolean; started: number }) {
  const result: FuzzResult = {
    file: path.relative(process.cwd(), expect.getState().testPath ?? ""),
    target,
    runs,
    seed,
    ok,
    ms: Math.round(performance.now() - started),
  };
  if (REPORT) fs.appendFileSync(REPORT, `${JSON.stringify(result)}\n`);
}

/**
 * One fuzz target as a test: runs the property FUZZ_RUNS times from FUZZ_SEED and fails with
 * fast-check's report (seed, path, shrunk counterexample).
 */
export function fuzz<Ts>(target: string, property: fc.IRawProperty<Ts>): void {
  // The long run takes as long as it takes on this machine; the short one keeps the suite's limit.
  const timeout = FUZZ_RUNS > DEFAULT_FUZZ_RUNS ? 0 : undefined;
  it(
    `${target} (${FUZZ_RUNS} cases, seed ${FUZZ_SEED})`,
    async () => {
      const started = performance.now();
      const report = (runs: number, ok: boolean) => recordFuzzResult({ target, runs, seed: FUZZ_SEED, ok, started });
      let details: fc.RunDetails<Ts>;
      try {
        details = await fc.check(property, { numRuns: FUZZ_RUNS, seed: FUZZ_SEED });
      } catch (error) {
        // A generator that throws is a failure of the target too.
        report(0, false);
        throw error;
      }
      report(details.numRuns, !details.failed);
      if (details.failed) throw new Error(fc.defaultReportMessage(details) ?? `${target} failed (seed ${FUZZ_SEED})`);
    },
    timeout,
  );
}
