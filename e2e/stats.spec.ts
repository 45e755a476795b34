import { expect, test, videosBeforeAll } from "./fixtures";
import { OverviewPage } from "./pages/overview-page";
import { QualityPage } from "./pages/quality-page";
import { WatchPage } from "./pages/watch-page";

const { video } = videosBeforeAll({ video: { title: "Quality chart test", seconds: 30, fps: 24, rungs: [{ height: 360, kbps: 500 }, { height: 240, kbps: 250 }] } });

test("the overview and the quality page show a stream playing now, the startup-time chart, and the stream leaving", async ({ adminPage, memberPage }, testInfo) => {
  test.setTimeout(120_000);
  const watch = new WatchPage(memberPage);
  await watch.goto(video.id);
  await watch.waitForPlayback(1);

  const overview = new OverviewPage(await adminPage.context().newPage());
  await overview.goto();
  await expect(overview.playing(video.id)).toHaveCount(1, { timeout: 15_000 });
  const quality = new QualityPage(adminPage);
  await quality.goto();
  await expect(quality.playing(video.id)).toHaveCount(1, { timeout: 15_000 });
  await expect(quality.playing(video.id)).toContainText("Quality chart test");
  const chart = quality.chart("Startup time");
  await expect(chart).toBeVisible();
  // Figures over a period may be up to 15 s old (lib/stats/queries.ts); the page refreshes itself.
  await expect.poll(async () => Number(await chart.getAttribute("data-points")), { timeout: 30_000 }).toBeGreaterThan(0);
  // One bucket draws a dot, more draw a line.
  const drawn = chart.locator("path.recharts-line-curve, .recharts-line-dot").first();
  await expect(drawn).toBeAttached();
  await expect(quality.card("Startup time p50")).toHaveText(/^\d[\d,]* ms$/);

  for (const [width, height] of [
    [390, 844],
    [1366, 850],
  ]) {
    await adminPage.setViewportSize({ width, height });
    await expect(drawn).toBeAttached();
    // The charts follow the new width from a ResizeObserver, a frame or more after the viewport changes.
    await expect.poll(() => quality.layoutWidth()).toBeLessThanOrEqual(width);
    await adminPage.screenshot({ path: testInfo.outputPath(`quality-${width}x${height}.png`), fullPage: true });
  }

  // The viewer leaves: its last report says so, and the page (refreshing itself) drops the stream.
  await memberPage.goto("/");
  await expect(quality.playing(video.id)).toHaveCount(0, { timeout: 20_000 });
  await expect(overview.playing(video.id)).toHaveCount(0, { timeout: 20_000 });
});

test("the quality and audience pages fit a phone's width: tables scroll in their box, never the page", async ({ adminPage }) => {
  await adminPage.setViewportSize({ width: 390, height: 844 });
  const quality = new QualityPage(adminPage);
  for (const range of ["24h", "30d"] as const) {
    await quality.goto(range);
    await expect(quality.chart("Startup time")).toBeVisible();
    expect(await quality.layoutWidth(), range).toBeLessThanOrEqual(390);
  }
  await adminPage.goto("/admin/audience?range=30d");
  await expect(adminPage.getByRole("heading", { name: "Audience", exact: true })).toBeVisible();
  expect(await quality.layoutWidth(), "audience").toBeLessThanOrEqual(390);
});

test("a member gets 403 on the quality and audience pages and their API", async ({ memberPage }) => {
  for (const path of ["/admin/quality", "/admin/audience", "/admin/quality/sessions/abcdefgh12"]) {
    expect((await memberPage.goto(path))?.status(), path).toBe(403);
  }
  expect((await memberPage.request.get("/api/stats/quality-series?range=24h")).status()).toBe(403);
  // Someone else's video: its Statistics tab does not exist for this member.
  expect((await memberPage.goto(`/videos/${video.id}/stats`))?.status()).toBe(404);
});
