import type { Browser } from "@playwright/test";
import { expect, test, type SignedIn } from "./fixtures";
import { WatchPage } from "./pages/watch-page";
import { createTwoLanguageVideo } from "./watch-media";

/** A video whose source had English and French audio: the Audio menu lists both and switches hls.js between them. */

let video: { id: string };

test.beforeAll(async () => {
  test.setTimeout(120_000);
  video = await createTwoLanguageVideo({ title: "Two languages", seconds: 16 });
});

async function watchIn(browser: Browser, member: SignedIn, locale: string) {
  const context = await browser.newContext({ storageState: member.storageState, locale });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  const watch = new WatchPage(page);
  await watch.goto(video.id);
  await expect(watch.player).toHaveAttribute("data-engine", "hls");
  return { context, page, watch, errors };
}

test("the Audio menu lists both languages and switching to French keeps playing", async ({ browser, member }) => {
  // Real playback on both tracks, a menu opened three times: longer than most tests, on a busy machine too.
  test.slow();
  const { context, page, watch, errors } = await watchIn(browser, member, "en-US");
  // Only this video needs alternate audio: it gets hls.js' full build.
  const scripts = await page.evaluate(() => performance.getEntriesByType("resource").map((e) => e.name).filter((n) => n.includes("/_reel/hls/")));
  expect(scripts.some((n) => /\/hls\.min\.js\?v=/.test(n))).toBe(true);
  await watch.waitForPlayback(0.5);
  await expect(watch.player).toHaveAttribute("data-audio-track", "0", { timeout: 15_000 });
  expect(await watch.audioOptions()).toEqual({ labels: ["English (en)", "French (fr)"], checked: "English (en)" });

  await watch.chooseAudio("French (fr)");
  await expect(watch.player).toHaveAttribute("data-audio-track", "1", { timeout: 15_000 });
  await watch.playsOnFrom(2, 1.5);
  await expect(watch.player).toHaveAttribute("data-audio-track", "1");
  expect((await watch.audioOptions()).checked).toBe("French (fr)");
  expect(errors).toEqual([]);
  await context.close();
});

test("a French browser starts with the French track", async ({ browser, member }) => {
  const { context, watch } = await watchIn(browser, member, "fr-FR");
  await expect(watch.player).toHaveAttribute("data-audio-track", "1", { timeout: 15_000 });
  await watch.waitForPlayback(0.5);
  expect((await watch.audioOptions()).checked).toBe("French (fr)");
  await context.close();
});
