import { availableParallelism } from "node:os";
import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    alias: {
      "@": path.resolve(import.meta.dirname),
      // Tests are plain Node, like the worker: the marker resolves to its empty server build (tsconfig.json maps
      // it the same way for tsx and Playwright; Next's bundler keeps its own per-layer alias, which fails a client import).
      "server-only": path.resolve(import.meta.dirname, "node_modules/next/dist/compiled/server-only/empty.js"),
    },
  },
  test: {
    include: ["lib/**/*.test.ts", "workers/**/*.test.ts", "app/**/*.test.ts", "components/**/*.test.ts", "scripts/**/*.test.ts"],
    globalSetup: ["./test/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // expect.poll waits on a condition, not on the clock: its 1 s default fails a loaded machine, never a broken feature.
    expect: { poll: { timeout: 30_000 } },
    // As Playwright's: in CI a test that fails is run once more, and npm test lists it as flaky at the end of its output.
    retry: process.env.CI ? 1 : 0,
    pool: "forks",
    // Vitest's default on two cores is one file at a time; most files wait on ffmpeg, Postgres or sockets rather than
    // the CPU, so two at a time nearly halves the run. Files that start workers use a database of their own.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // next-auth imports "next/server" without an extension, which Node's ESM resolver refuses; Vite's does not.
    server: { deps: { inline: ["next-auth"] } },
  },
});
