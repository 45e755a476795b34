import { expect, test } from "./fixtures";
import { OverviewPage } from "./pages/overview-page";

test.describe("admin overview", () => {
  test("shows every panel, live: request timings from this very browsing arrive within seconds", async ({ adminPage }) => {
    const overview = new OverviewPage(adminPage);
    await overview.goto();
    for (const name of OverviewPage.panels) await expect(overview.panel(name)).toBeVisible();
    await expect(adminPage.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Overview" })).toHaveAttribute("aria-current", "page");
    // The instance's own worker and this web process report themselves.
    await expect(overview.panel("workers").getByTestId("worker-row").first()).toContainText("alive", { timeout: 15_000 });
    await expect(overview.panel("web").getByTestId("web-process-row").first()).toBeVisible({ timeout: 15_000 });

    // The page refreshes itself (every 5 s while visible), and the overview's own visits show up among the routes.
    const first = await overview.generatedAt();
    await expect.poll(() => overview.generatedAt(), { timeout: 15_000 }).not.toBe(first);
    await expect(overview.routeRow("GET /admin")).toBeVisible({ timeout: 20_000 });
  });

  test("fits a phone and a laptop screen", async ({ browser, admin }, testInfo) => {
    for (const viewport of [
      { width: 390, height: 844 },
      { width: 1366, height: 850 },
    ]) {
      const context = await browser.newContext({ storageState: admin.storageState, viewport, ...(viewport.width < 500 && { isMobile: true, hasTouch: true, deviceScaleFactor: 2 }) });
      const page = await context.newPage();
      const overview = new OverviewPage(page);
      await overview.goto();
      await expect(overview.panel("routes")).toBeVisible();
      expect(await overview.overflowsSideways(viewport.width), `${viewport.width}x${viewport.height}`).toBe(false);
      await page.screenshot({ path: testInfo.outputPath(`admin-overview-${viewport.width}x${viewport.height}.png`), fullPage: true });
      await context.close();
    }
  });

  test("the overview, its API and /metrics are for administrators (or the metrics token)", async ({ adminPage, memberPage, playwright }) => {
    expect((await memberPage.goto("/admin"))?.status()).toBe(403);
    expect((await memberPage.request.get("/api/admin/overview")).status()).toBe(403);
    expect((await memberPage.request.get("/metrics")).status()).toBe(403);
    const anonymous = await playwright.request.newContext({ baseURL: test.info().project.use.baseURL });
    expect((await anonymous.get("/metrics")).status()).toBe(401);
    expect((await anonymous.get("/api/admin/overview")).status()).toBe(401);
    await anonymous.dispose();

    const overview = await adminPage.request.get("/api/admin/overview");
    expect(overview.status()).toBe(200);
    expect(await overview.json()).toHaveProperty("storage.freeBytes");
    const metrics = await adminPage.request.get("/metrics");
    expect(metrics.status()).toBe(200);
    expect(await metrics.text()).toMatch(/^reel_http_requests_total\{route="GET \/admin"\} \d+$/m);
  });
});
