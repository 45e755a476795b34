import { eq } from "drizzle-orm";
import { db } from "../lib/db/client";
import { videos } from "../lib/db/schema";
import type { Page } from "@playwright/test";
import { expect, test, videosBeforeAll } from "./fixtures";
import { doubleTapPicture, WatchDetails } from "./pages/watch-details-page";
import { WatchPage } from "./pages/watch-page";
import { createTestVideo, TEST_LADDER } from "./watch-media";

/** The watch page around the player, on one short generated ladder (and a second video for Up next). */
const LADDER = TEST_LADDER.slice(1);

const { main, other } = videosBeforeAll({
  main: { title: "Around the player", seconds: 6, fps: 24, rungs: LADDER },
  other: { title: "Plays next", seconds: 4, fps: 24, rungs: LADDER.slice(1) },
});

test.beforeAll(async () => {
  const tags = ["details-e2e"];
  await db.update(videos).set({ tags, description: "Notes at https://example.com/notes <b>not bold</b>" }).where(eq(videos.id, main.id));
  await db.update(videos).set({ tags }).where(eq(videos.id, other.id));
});

/** Opens the main video's watch page: its player, and what the page shows around it. */
async function openMain(page: Page) {
  const watch = new WatchPage(page);
  await watch.goto(main.id);
  return { watch, around: new WatchDetails(page) };
}

test("shows the details, with safe links and tags, and keeps rating and favourite across a reload", async ({ memberPage }) => {
  test.slow();
  const { watch, around } = await openMain(memberPage);
  await watch.waitForPlayback(0.2);
  const link = around.details.getByRole("link", { name: "https://example.com/notes" });
  await expect(link).toHaveAttribute("rel", "noopener nofollow ugc");
  await expect(around.details.getByTestId("description")).toContainText("<b>not bold</b>");
  await expect(around.details.getByRole("link", { name: "#details-e2e" })).toHaveAttribute("href", "/tags/details-e2e");

  await around.rate(4);
  await expect(around.ratingSummary).toHaveText(/4\.0 average from 1 rating/);
  await around.toggleFavorite();
  await memberPage.reload();
  await expect(around.star(4)).toHaveAttribute("aria-pressed", "true");
  await expect(around.favorite).toHaveAttribute("aria-pressed", "true");
  await expect(around.ratingSummary).toHaveText(/4\.0 average from 1 rating/);
  // Up next holds the other video sharing the tag, not this one.
  await expect(around.upNext.locator(`[data-video-id="${other.id}"]`)).toBeVisible();
  await expect(around.upNext.locator(`[data-video-id="${main.id}"]`)).toHaveCount(0);
});

test("Share gives a link at the current time that opens there", async ({ memberPage }) => {
  test.slow();
  // This short video ends soon after: no countdown to another one in the middle of the test.
  await memberPage.addInitScript(() => localStorage.setItem("reel:autoplay-next", "off"));
  const { watch, around } = await openMain(memberPage);
  await watch.waitForPlayback(0.2);
  await watch.pauseAt(3.4);
  const link = await around.shareLink(true);
  expect(link).toBe(`${new URL(memberPage.url()).origin}/watch/${main.id}?t=3s`);

  await memberPage.goto(link);
  await expect.poll(() => watch.currentTime(), { timeout: 15_000 }).toBeGreaterThanOrEqual(3);
  // Where playback began, however far it has gone since.
  const startedAt = await watch.media((v) => v.played.start(0));
  expect(startedAt).toBeGreaterThanOrEqual(2.9);
  expect(startedAt).toBeLessThan(3.5);
});

async function playToEnd(watch: WatchPage, around: WatchDetails) {
  await watch.waitForPlayback(0.2);
  await watch.media((v) => {
    v.currentTime = v.duration - 0.3;
    void v.play();
  });
  await expect(around.countdown).toBeVisible({ timeout: 15_000 });
}

test("at the end, Autoplay next counts down and starts the next video", async ({ memberPage }) => {
  test.slow();
  const { watch, around } = await openMain(memberPage);
  const next = await around.firstUpNextId();
  await playToEnd(watch, around);
  await memberPage.waitForURL(`**/watch/${next}`);
});

test("Cancel stops the Autoplay next countdown", async ({ memberPage }) => {
  test.slow();
  // The page's clock runs as usual, until the test moves it on past the countdown.
  await memberPage.clock.install();
  const { watch, around } = await openMain(memberPage);
  await playToEnd(watch, around);
  await around.countdown.getByRole("button", { name: "Cancel" }).click();
  await expect(around.countdown).toBeHidden();
  await memberPage.clock.runFor(10_000);
  expect(new URL(memberPage.url()).pathname).toBe(`/watch/${main.id}`);
  await expect(around.countdown).toBeHidden();
});

test("turning Autoplay next off is remembered and no countdown starts", async ({ memberPage }) => {
  test.slow();
  const { watch, around } = await openMain(memberPage);
  // The app's scripts run after the video's first frame (components/player/early/app-scripts.ts): the switch works once
  // the page has hydrated, which the player's engine shows.
  await watch.waitForPlayback(0.2);
  await watch.interactive();
  const toggle = memberPage.getByRole("switch", { name: "Autoplay next" });
  await toggle.click();
  await expect(toggle).toHaveAttribute("aria-checked", "false");
  await memberPage.reload();
  await expect(toggle).toHaveAttribute("aria-checked", "false");
  await watch.waitForPlayback(0.2);
  await watch.media((v) => {
    v.currentTime = v.duration - 0.3;
    void v.play();
  });
  await expect.poll(() => watch.media((v) => v.ended)).toBe(true);
  await expect(around.countdown).toHaveCount(0);
});

test("on a touch screen, double taps on the sides seek 10 s back and forward with a ripple", async ({ browser, member }) => {
  test.slow();
  const context = await browser.newContext({ storageState: member.storageState, viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
  const page = await context.newPage();
  const { watch } = await openMain(page);
  await watch.waitForPlayback(0.2);
  await watch.interactive();
  await watch.pauseAt(4.5);
  expect(await doubleTapPicture(page, "left")).toBe("« 10 s");
  await expect.poll(() => watch.currentTime()).toBeLessThan(0.5);
  expect(await doubleTapPicture(page, "right")).toBe("10 s »");
  await expect.poll(() => watch.currentTime()).toBeGreaterThan(5);
  // Neither double tap paused or resumed playback.
  expect(await watch.media((v) => v.paused)).toBe(true);
  await context.close();
});

test("the embed page may be framed by any site and plays on its own", async ({ memberPage: page }) => {
  const response = await page.goto(`/embed/${main.id}`);
  expect(response?.headers()["content-security-policy"]).toMatch(/frame-ancestors \*/);
  await page.locator("video").evaluate((v: HTMLVideoElement) => {
    v.muted = true;
    return v.play();
  });
  await expect.poll(() => page.locator("video").evaluate((v: HTMLVideoElement) => v.currentTime)).toBeGreaterThan(0.2);
});

for (const [width, height] of [
  [390, 844],
  [768, 1024],
  [1366, 850],
]) {
  test(`screenshot of the watch page at ${width}x${height}`, async ({ browser, member }, testInfo) => {
    test.slow();
    const context = await browser.newContext({ storageState: member.storageState, viewport: { width, height } });
    const page = await context.newPage();
    const { watch, around } = await openMain(page);
    await watch.waitForPlayback(0.2);
    await expect(around.upNext).toBeVisible();
    expect(await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth)).toBe(false);
    await page.screenshot({ path: testInfo.outputPath(`watch-${width}x${height}.png`), fullPage: true });
    await context.close();
  });
}

test("the owner's Download menu saves the MP4 under the video's title; a viewer without the right never sees it", async ({ uploaderPage, memberPage, uploader }) => {
  test.slow();
  const own = await createTestVideo({ title: 'Café "trip" / day 1', seconds: 2, fps: 24, rungs: LADDER.slice(1), ownerId: uploader.account.id });
  await new WatchPage(uploaderPage).goto(own.id);
  const download = await new WatchDetails(uploaderPage).download("mp4");
  expect(download.suggestedFilename()).toBe("Café _trip_ _ day 1.mp4");
  expect(await download.failure()).toBeNull();

  await new WatchPage(memberPage).goto(own.id);
  await expect(new WatchDetails(memberPage).details).toBeVisible();
  await expect(memberPage.getByTestId("download-button")).toHaveCount(0);
});
