import { defineConfig } from "@playwright/test";

/**
 * Browser tests run against a Reel that `npm test` starts (scripts/test.ts) and names in
 * REEL_E2E_BASE_URL; there is no webServer here. To run them by hand against a running instance:
 * `REEL_E2E_BASE_URL=http://localhost:3000 npx playwright test`.
 */
const baseURL = process.env.REEL_E2E_BASE_URL;
if (!baseURL) {
  throw new Error("REEL_E2E_BASE_URL is not set: run the browser tests with `npm test` (or `npm test -- --e2e`), or point it at a running Reel");
}

export default defineConfig({
  testDir: "e2e",
  testMatch: "**/*.spec.ts",
  outputDir: "test-results/e2e",
  // Two cores are shared by the browser, the web server, the worker and Postgres.
  workers: 2,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: process.env.CI ? 1 : 0,
  timeout: 30_000,
  expect: { timeout: 5_000 },
  reporter: "list",
  use: {
    baseURL,
    trace: "retain-on-failure",
    launchOptions: {
      // Debian's headless shell (package chromium-headless-shell): Chromium without the browser's UI, which took three
      // quarters of the full browser's CPU over these specs. Installability needs the full browser (offline.spec.ts).
      executablePath: process.env.PLAYWRIGHT_CHROMIUM_PATH ?? "/usr/lib/chromium/chromium-headless-shell",
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    },
  },
  projects: [
    // First-run specs (creating the administrator) need the empty instance, so they run first.
    { name: "setup", testMatch: /setup\/.*\.spec\.ts$/ },
    { name: "app", testIgnore: /setup\//, dependencies: ["setup"] },
  ],
});
