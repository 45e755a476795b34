import { desc, eq } from "drizzle-orm";
import { db } from "../lib/db/client";
import { qoeReports, videos } from "../lib/db/schema";
import { expect, test, videosBeforeAll } from "./fixtures";
import { LibraryPage } from "./pages/library-page";
import { WatchPage } from "./pages/watch-page";
import { createTestVideo, TEST_LADDER as LADDER } from "./watch-media";

const { ready, processing } = videosBeforeAll({
  ready: { title: "Ladder test", seconds: 12, fps: 24, rungs: LADDER },
  processing: { title: "Still processing", seconds: 4, fps: 24, rungs: LADDER.slice(1), status: "processing" },
});

test("plays through hls.js, switches quality by hand and seeks", async ({ memberPage }) => {
  // Two switches, a seek and the QoE report, each waiting on the network and the decoder: long on a busy machine.
  test.slow();
  // The page's <video> is the early start's and the player adopts it: nothing may complain about it.
  const errors: string[] = [];
  memberPage.on("pageerror", (e) => errors.push(e.message));
  memberPage.on("console", (m) => m.type() === "error" && !m.text().startsWith("Failed to load resource") && errors.push(m.text()));
  const watch = new WatchPage(memberPage);
  await watch.goto(ready.id);
  await expect(watch.player).toHaveAttribute("data-engine", "hls");
  expect(await memberPage.evaluate(() => document.querySelector("video")!.src.startsWith("blob:"))).toBe(true);
  await watch.waitForPlayback();
  // The HTML played the first segment before hydration, and hls.js went on with that Media Source: past the end of
  // that segment (2 s), with what it appended itself, the element still plays from it, buffered from 0.
  await watch.waitForPlayback(2.5);
  expect(await watch.startedEarly()).toBe(true);
  expect(await watch.media((v) => v.buffered.start(0))).toBeLessThan(0.1);
  expect(await memberPage.locator("video").count()).toBe(1);
  // The app's scripts were held back by the web server and loaded by the early start once the frame showed (or, on a
  // machine too busy to show one in time, at its time limit); none found held means Next writes its scripts otherwise.
  const app = await watch.appScripts();
  expect(app).toMatchObject({ reason: expect.stringMatching(/^(first-frame|time-limit)$/), mountedAfter: true });
  expect(app!.scripts).toBeGreaterThan(0);
  // Only the player rendered before then; the rest of the page does from then on.
  expect(await watch.firstFrameGate()).toEqual({ gated: true, pending: false });
  await expect(memberPage.getByRole("banner")).toBeVisible();
  await expect(memberPage.getByRole("heading", { level: 1 })).toBeVisible();
  expect(errors).toEqual([]);

  // The clip is short: on a slow machine it could end before a switch shows. Looping, it always shows in the end.
  await watch.media((v) => (v.loop = true));
  expect(await watch.qualityOptions()).toEqual(["480p", "360p", "240p", expect.stringMatching(/^Auto/)]);
  await watch.chooseQuality("240p");
  await expect.poll(() => watch.media((v) => v.videoHeight), { timeout: 10_000 }).toBe(240);
  await watch.chooseQuality("480p");
  await expect.poll(() => watch.media((v) => v.videoHeight), { timeout: 10_000 }).toBe(480);

  await watch.seekByClick(0.75);
  await expect.poll(() => watch.currentTime()).toBeGreaterThan(ready.duration * 0.7);
  await expect.poll(() => watch.media((v) => !v.seeking && v.readyState >= 3)).toBe(true);

  // The player reported this session's startup and its two hand-picked switches.
  await expect
    .poll(async () => {
      const [row] = await db.select().from(qoeReports).where(eq(qoeReports.videoId, ready.id)).orderBy(desc(qoeReports.updatedAt)).limit(1);
      return row && { mode: row.mode, hasStartup: (row.startupMs ?? 0) > 0 };
    }, { timeout: 10_000 })
    .toEqual({ mode: "hls", hasStartup: true });
});

test("a video opened from the catalog (client-side navigation) plays through hls.js too", async ({ memberPage }) => {
  test.setTimeout(60_000);
  const title = `Catalog navigation ${crypto.randomUUID().slice(0, 8)}`;
  const clip = await createTestVideo({ title, seconds: 6, fps: 24, rungs: LADDER.slice(1) });
  const library = new LibraryPage(memberPage);
  await library.gotoVideos({ q: title });
  // Once the catalog is idle it has hls.js run already, so the click does not wait for it.
  await expect.poll(() => memberPage.evaluate(() => "Hls" in window)).toBe(true);
  await library.card(clip.id).getByRole("link").first().click();
  await memberPage.waitForURL(`**/watch/${clip.id}`);
  const watch = new WatchPage(memberPage);
  await expect(watch.player).toHaveAttribute("data-engine", "hls");
  // No HTML of its own, so no early start: hls.js started from nothing.
  expect(await watch.startedEarly()).toBe(false);
  await watch.waitForPlayback(0.2);
});

test("counts one view once the player has really played for 5 seconds", async ({ memberPage }) => {
  test.setTimeout(60_000);
  const clip = await createTestVideo({ title: "View counting", seconds: 8, fps: 24, rungs: LADDER.slice(2) });
  const viewCount = async () => (await db.select({ n: videos.viewCount }).from(videos).where(eq(videos.id, clip.id)))[0].n;
  const watch = new WatchPage(memberPage);
  await watch.goto(clip.id);
  await watch.waitForPlayback(0.1);
  expect(await viewCount()).toBe(0);
  await expect.poll(viewCount, { timeout: 20_000 }).toBe(1);
});

test("keyboard shortcuts act on the player", async ({ memberPage }) => {
  const watch = new WatchPage(memberPage);
  await watch.goto(ready.id);
  await watch.waitForPlayback(0.2);

  await watch.press("k");
  await expect.poll(() => watch.media((v) => v.paused)).toBe(true);
  await watch.press("k");
  await expect.poll(() => watch.media((v) => v.paused)).toBe(false);

  // Paused, the playhead moves only with the shortcuts.
  await watch.press("k");
  await expect.poll(() => watch.media((v) => v.paused)).toBe(true);
  expect(await watch.seekWithKey("0")).toBe(0);
  expect(await watch.seekWithKey("l")).toBeCloseTo(10, 0);
  const half = await watch.seekWithKey("5");
  expect(half).toBeGreaterThan(ready.duration * 0.5 - 0.25);
  expect(half).toBeLessThan(ready.duration * 0.5 + 0.25);

  const muted = await watch.media((v) => v.muted);
  await watch.press("m");
  await expect.poll(() => watch.media((v) => v.muted)).toBe(!muted);

  expect(await watch.media((v) => [...v.textTracks].map((t) => [t.kind, t.label, t.language]))).toEqual([["subtitles", "English", "en"]]);
  await watch.press("c");
  await expect.poll(() => watch.media((v) => v.textTracks[0].mode)).toBe("showing");
  await watch.press("c");
  await expect.poll(() => watch.media((v) => v.textTracks[0].mode)).toBe("disabled");
});

test("reload resumes a few seconds before the saved position", async ({ memberPage }) => {
  const watch = new WatchPage(memberPage);
  await watch.goto(ready.id);
  await watch.waitForPlayback(0.2);
  // Far enough in to resume, far enough from the end that a slow pause never counts as finished.
  await watch.press("6");
  await expect.poll(() => watch.currentTime()).toBeGreaterThan(7.5);
  await watch.markPlaybackStarts();
  const position = await watch.pauseAndSave(ready.id);

  await memberPage.reload();
  await expect(watch.player).toHaveAttribute("data-engine", "hls");
  const resumedAt = await watch.expectResumedFrom(position, ready.duration);
  // The segment holding the resume point came from the page's HTML; hls.js carried playback on past its end (2 s).
  expect(await watch.startedEarly()).toBe(true);
  await expect.poll(() => watch.currentTime(), { timeout: 10_000 }).toBeGreaterThan(resumedAt + 2.5);
});

test("without hls.js (not served, blocked) it still plays, natively or from the MP4", async ({ memberPage }) => {
  await memberPage.route("**/_reel/hls/**", (route) => route.abort());
  const watch = new WatchPage(memberPage);
  await watch.goto(ready.id);
  await expect(watch.player).toHaveAttribute("data-engine", /^(native-hls|mp4)$/);
  await watch.waitForPlayback(0.5);
  // The early start still appended the first segment: hls.js is the engine's, after hydration.
  expect(await watch.appendedEarly()).toBe(true);
  await expect(watch.player.getByRole("alert")).toHaveCount(0);
});

test("without Media Source Extensions it plays natively or from the MP4", async ({ memberPage }) => {
  await memberPage.addInitScript(() => {
    delete (window as { MediaSource?: unknown }).MediaSource;
  });
  const watch = new WatchPage(memberPage);
  await watch.goto(ready.id);
  await expect(watch.player).toHaveAttribute("data-engine", /^(native-hls|mp4)$/);
  await watch.waitForPlayback(0.5);
  // No early start: the engine started the element itself.
  expect(await watch.appendedEarly()).toBe(false);
});

test("the first frame needs none of the app's scripts: the page's HTML plays the first segment alone", async ({ memberPage }) => {
  // Nothing from the bundler or the framework runs (and no hls.js): what plays is the early start's Media Source.
  await memberPage.route("**/_next/static/**/*.js", (route) => route.abort());
  await memberPage.route("**/_reel/hls/**", (route) => route.abort());
  const watch = new WatchPage(memberPage);
  await watch.goto(ready.id);
  await watch.waitForPlayback(0.5);
  expect(await watch.startedEarly()).toBe(true);
  await expect(watch.player).toHaveAttribute("data-engine", "loading");
});

test("offline viewing's code waits for an idle page: none of it is in the scripts the watch page loads to hydrate", async ({ memberPage }) => {
  const watch = new WatchPage(memberPage);
  await watch.goto(ready.id);
  await watch.interactive();
  // Every script of the app's bundle the page had asked for by the time the player mounted, that is hydrated.
  const early = await memberPage.evaluate(() => {
    const [mounted] = performance.getEntriesByName("reel:player-mounted");
    return performance
      .getEntriesByType("resource")
      .filter((r) => r.startTime < mounted.startTime && new URL(r.name).pathname.startsWith("/_next/static/") && r.name.endsWith(".js"))
      .map((r) => r.name);
  });
  expect(early.length).toBeGreaterThan(0);
  const bodies = await Promise.all(early.map(async (url) => ({ url, text: await (await memberPage.request.get(url)).text() })));
  // The service worker's outbox message and the Save offline label only exist in that code.
  expect(bodies.filter((b) => b.text.includes("flush-outbox") || b.text.includes("Save offline")).map((b) => b.url)).toEqual([]);
  // It does come once the page has hydrated (after the first frame) and is idle.
  await expect(memberPage.getByRole("button", { name: "Save offline" })).toBeVisible();
});

test("plays the faststart MP4 while the ladder is processing", async ({ memberPage }) => {
  const watch = new WatchPage(memberPage);
  await watch.goto(processing.id);
  await expect(watch.player).toHaveAttribute("data-engine", "mp4");
  await watch.waitForPlayback(0.2);
  expect(await watch.media((v) => new URL(v.currentSrc).pathname)).toMatch(new RegExp(`^/media/[^/]+/${processing.id}/mp4/video\\.mp4$`));
  await expect(memberPage.getByTestId("ladder-processing")).toContainText("Playing the original");
});

test("an unknown video is a 404", async ({ memberPage }) => {
  const response = await memberPage.goto(`/watch/${crypto.randomUUID()}`);
  expect(response?.status()).toBe(404);
});

test("on a phone it fits the screen with touch-sized controls", async ({ browser, member }, testInfo) => {
  const context = await browser.newContext({ storageState: member.storageState, viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 });
  const phonePage = await context.newPage();
  const watch = new WatchPage(phonePage);
  await watch.goto(ready.id);
  await watch.waitForPlayback(0.2);
  await watch.press("k");
  await phonePage.screenshot({ path: testInfo.outputPath("watch-390x844.png") });
  const box = (await watch.player.boundingBox())!;
  expect(box.width).toBeGreaterThan(340);
  expect(box.width).toBeLessThanOrEqual(390);
  expect(Math.abs(box.height - (box.width * 9) / 16)).toBeLessThan(2);
  for (const button of await watch.player.getByRole("button").all()) {
    if (!(await button.isVisible())) continue;
    const b = (await button.boundingBox())!;
    expect.soft(Math.min(b.width, b.height), (await button.getAttribute("aria-label")) ?? "button").toBeGreaterThanOrEqual(44);
    // Every control is on screen, none pushed past the player's edge.
    expect.soft(b.x + b.width, (await button.getAttribute("aria-label")) ?? "button").toBeLessThanOrEqual(box.x + box.width + 0.5);
  }
  expect(await phonePage.evaluate(() => document.documentElement.scrollWidth > window.innerWidth)).toBe(false);
  await context.close();
});
