import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { chromium, request as playwrightRequest, type BrowserContext } from "@playwright/test";
import { and, eq } from "drizzle-orm";
import { db } from "../lib/db/client";
import { videos, watchProgress } from "../lib/db/schema";
import { QUOTA_MESSAGE } from "../lib/offline/downloader";
import { baseURL } from "./env";
import { type Account, apiSignIn, createAccount, deleteAccount, expect, test } from "./fixtures";
import { DownloadsPage } from "./pages/downloads-page";
import { SessionsPage } from "./pages/sessions-page";
import { ShellPage } from "./pages/shell-page";
import { WatchPage } from "./pages/watch-page";
import { createTestVideo, createTwoLanguageVideo } from "./watch-media";

const LADDER = [
  { height: 480, kbps: 900 },
  { height: 360, kbps: 500 },
  { height: 240, kbps: 250 },
];

let video: { id: string; duration: number };
let profile: string;
let context: BrowserContext;
const refused: string[] = [];

test.beforeAll(async () => {
  test.setTimeout(60_000);
  video = await createTestVideo({ title: "Offline test", seconds: 12, fps: 24, rungs: LADDER });
  // Chapters from the source's chapter atoms (a description's need 10 s each): marks at 4 s and 8 s.
  const chapters = [0, 4, 8].map((start, i) => ({ start_time: String(start), tags: { title: `Part ${i + 1}` } }));
  await db.update(videos).set({ probe: { raw: { chapters } } }).where(eq(videos.id, video.id));
});

// Installability and service workers need a real profile: an incognito-like context reports "in-incognito".
test.beforeEach(async ({ member }) => {
  profile = await fs.mkdtemp(path.join(os.tmpdir(), "reel-pwa-"));
  context = await chromium.launchPersistentContext(profile, {
    baseURL,
    viewport: { width: 390, height: 844 },
    // The full browser: the headless shell the other specs run in never offers installation.
    executablePath: process.env.PLAYWRIGHT_FULL_CHROMIUM_PATH ?? "/usr/bin/chromium",
    // The engagement check would hold the install prompt back from a profile that is seconds old.
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--bypass-app-banner-engagement-checks"],
  });
  await context.addCookies(member.storageState.cookies);
  await context.addInitScript(() => addEventListener("beforeinstallprompt", () => ((window as unknown as { reelInstallOffered: boolean }).reelInstallOffered = true)));
  context.on("console", (m) => void (/Refused to/.test(m.text()) && refused.push(m.text())));
});

test.afterEach(async () => {
  await context?.close();
  await fs.rm(profile, { recursive: true, force: true });
  expect(refused, "Content-Security-Policy violations").toEqual([]);
});

test("installable; a download plays offline with seeking, captions and previews, and its position reaches the server", async ({ member }, testInfo) => {
  test.setTimeout(180_000);
  const page = context.pages()[0] ?? (await context.newPage());
  const cdp = await context.newCDPSession(page);
  const watch = new WatchPage(page);
  const downloads = new DownloadsPage(page);
  await watch.goto(video.id);
  // It starts playing online: paused, so the only position saved later is the offline one.
  await watch.waitForPlayback(0.1);
  await watch.media((v) => v.pause());

  // Installable: the manifest, its icons and the service worker satisfy Chromium.
  await expect.poll(async () => (await cdp.send("Page.getInstallabilityErrors")).installabilityErrors, { timeout: 15_000 }).toEqual([]);
  const manifest = await cdp.send("Page.getAppManifest");
  expect(manifest.errors).toEqual([]);
  // The worker claims the page that registered it.
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller?.scriptURL ?? null), { timeout: 60_000 }).toMatch(/\/sw\.js\?v=/);
  // Chromium offers installation; the button appears then.
  await expect.poll(() => page.evaluate(() => (window as unknown as { reelInstallOffered?: boolean }).reelInstallOffered ?? false), { timeout: 15_000 }).toBe(true);
  await expect(page.getByRole("button", { name: "Install" })).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath("install-button-390x844.png") });

  // A quota too small for the video: refused with its message, and nothing is left behind.
  const origin = new URL(baseURL).origin;
  await cdp.send("Storage.overrideQuotaForOrigin", { origin, quotaSize: 200_000 });
  const { labels, checked } = await downloads.openQualities();
  expect(labels).toEqual([expect.stringMatching(/^480p\s*\d+(\.\d)? [KM]B$/), expect.stringMatching(/^360p\s*\d/), expect.stringMatching(/^240p\s*\d/)]);
  // The highest rung not taller than this screen (844 CSS px at DPR 1).
  expect(checked).toBe("480");
  await downloads.start();
  await expect(downloads.error()).toHaveText(QUOTA_MESSAGE);
  expect(await downloads.stored(video.id)).toEqual({ record: false, files: 0 });
  await cdp.send("Storage.overrideQuotaForOrigin", { origin });

  // With room: the download completes.
  await downloads.openQualities();
  await downloads.panel.getByRole("radio", { name: /^240p/ }).check();
  await downloads.start();
  await expect(downloads.progress()).toHaveAttribute("aria-valuenow", "100", { timeout: 30_000 });
  await expect(downloads.panel).toContainText("Downloaded");
  const stored = await downloads.stored(video.id);
  expect(stored.record).toBe(true);
  // Master, media playlist, init, 6 segments, poster, caption, storyboard index and sprite, chapters.
  expect(stored.files).toBe(14);

  // Offline: the Downloads page comes from the service worker and plays the stored rung.
  await downloads.goto();
  await expect(downloads.row("Offline test")).toBeVisible();
  await context.setOffline(true);
  await downloads.goto();
  await page.screenshot({ path: testInfo.outputPath("downloads-390x844.png") });
  await downloads.row("Offline test").getByRole("button", { name: "Play" }).click();
  await expect(watch.player).toHaveAttribute("data-engine", "hls");
  await watch.waitForPlayback(0.5);
  expect(await watch.media((v) => v.videoHeight)).toBe(240);
  // The chapters travelled with the download: their marks are on the seek bar.
  await expect(page.getByTestId("chapter-mark")).toHaveCount(2);

  await watch.seekByClick(0.5);
  await expect.poll(() => watch.currentTime()).toBeGreaterThan(video.duration * 0.45);
  await expect.poll(() => watch.media((v) => !v.seeking && v.readyState >= 3)).toBe(true);

  await watch.press("c");
  await expect.poll(() => watch.media((v) => v.textTracks[0]?.mode)).toBe("showing");
  await expect.poll(() => watch.media((v) => (v.textTracks[0]?.activeCues?.[0] as VTTCue | undefined)?.text ?? null)).toBe("Test caption line");

  // Scrub previews: the storyboard and its sprite come from the stored copy.
  const box = (await watch.seekBar.boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.25, box.y + box.height / 2);
  const preview = page.getByTestId("scrub-preview");
  await expect(preview).toBeVisible();
  const sprite = await preview.locator("div").evaluate((el) => /url\("([^"]+)"\)/.exec((el as HTMLElement).style.backgroundImage)?.[1] ?? "");
  expect(new URL(sprite).pathname).toBe(`/offline-media/${video.id}/storyboard/sprite-0.jpg`);
  expect(await page.evaluate((url) => fetch(url).then((r) => r.status), sprite)).toBe(200);

  // A position saved offline waits in the outbox, and reaches the server once the app is online again.
  await watch.seekByClick(0.8);
  await expect.poll(() => watch.media((v) => !v.seeking && v.readyState >= 3)).toBe(true);
  await watch.media((v) => v.pause());
  const position = await watch.currentTime();
  await expect.poll(() => downloads.outbox()).toBeGreaterThan(0);
  const saved = async () => (await db.select({ position: watchProgress.position }).from(watchProgress).where(and(eq(watchProgress.userId, member.account.id), eq(watchProgress.videoId, video.id))))[0]?.position ?? null;
  expect(Math.abs(((await saved()) ?? 0) - position)).toBeGreaterThan(1);
  // Back online, the viewer goes on using the app.
  await context.setOffline(false);
  await downloads.goto();
  await expect.poll(saved, { timeout: 30_000 }).toBeCloseTo(position, 0);
  await expect.poll(() => downloads.outbox()).toBe(0);

  // Deleting the download frees its space.
  const before = await downloads.usage();
  await downloads.row("Offline test").getByRole("button", { name: "Delete" }).click();
  await expect(downloads.rows).toHaveCount(0);
  expect(await downloads.stored(video.id)).toEqual({ record: false, files: 0 });
  await expect.poll(() => downloads.usage()).toBeLessThan(before);
});

test("a download of a video with two audio languages lists both offline, and switching to the other plays", async () => {
  test.setTimeout(240_000);
  const languages = await createTwoLanguageVideo({ title: "Offline languages", seconds: 16 });
  const page = context.pages()[0] ?? (await context.newPage());
  const watch = new WatchPage(page);
  const downloads = new DownloadsPage(page);
  await watch.goto(languages.id);
  // Paused while it downloads: a video that ended on a busy machine would count down to the next one.
  await watch.waitForPlayback(0.1);
  await watch.media((v) => v.pause());
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller?.scriptURL ?? null), { timeout: 60_000 }).toMatch(/\/sw\.js\?v=/);
  await downloads.openQualities();
  await downloads.start();
  await expect(downloads.progress()).toHaveAttribute("aria-valuenow", "100", { timeout: 60_000 });
  // Both audio renditions are stored with the rung, and the full hls.js build that plays them.
  const playlists = await page.evaluate(async (id) => {
    const keys = await (await caches.open("reel-offline-media")).keys();
    return keys.map((k) => new URL(k.url).pathname).filter((p) => p.startsWith(`/offline-media/${id}/hls/`) && p.endsWith(".m3u8")).sort();
  }, languages.id);
  expect(playlists.filter((p) => /\/hls\/a\d+\//.test(p))).toHaveLength(2);

  await context.setOffline(true);
  await downloads.goto();
  await downloads.row("Offline languages").getByRole("button", { name: "Play" }).click();
  await expect(watch.player).toHaveAttribute("data-engine", "hls");
  await watch.waitForPlayback(0.5);
  await expect(watch.player).toHaveAttribute("data-audio-track", "0", { timeout: 15_000 });
  expect((await watch.audioOptions()).labels).toEqual(["English (en)", "French (fr)"]);
  await watch.chooseAudio("French (fr)");
  await expect(watch.player).toHaveAttribute("data-audio-track", "1", { timeout: 15_000 });
  await watch.playsOnFrom(2, 1);
  await context.setOffline(false);
});

test("signing out forgets this device's copy of the person: offline, / no longer shows their page", async () => {
  test.setTimeout(120_000);
  const page = context.pages()[0] ?? (await context.newPage());
  const shell = new ShellPage(page);
  const downloads = new DownloadsPage(page);
  await page.goto("/");
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller?.scriptURL ?? null), { timeout: 60_000 }).toMatch(/\/sw\.js\?v=/);
  // Controlled now: this visit leaves the signed-in home page as its offline copy.
  await page.reload();
  // The signed-in header's links to their favourites (in the DOM, folded away at this width).
  const personal = page.locator('header a[href="/favorites"]');
  await context.setOffline(true);
  await page.goto("/");
  await expect(personal).not.toHaveCount(0);
  await context.setOffline(false);

  // Something of theirs waits on this device too: a download's record, as a finished one leaves it.
  await page.evaluate(async (id) => {
    const records = await caches.open("reel-offline-records");
    await records.put(`/offline-records/${id}`, new Response("{}"));
  }, video.id);
  await page.goto("/");
  await shell.signOut();

  await context.setOffline(true);
  await page.goto("/");
  await expect(page.getByRole("heading", { name: /offline/i })).toBeVisible();
  await expect(personal).toHaveCount(0);
  await context.setOffline(false);
  expect(await downloads.stored(video.id)).toEqual({ record: false, files: 0 });
});

/** What a device may keep when nobody's data is on it: build files, icons, the shell pages as anyone sees them. */
const SHARED_ENTRY = /^reel-shell-\S+ \/(_next\/static\/|_reel\/|icons\/|manifest\.webmanifest$|icon\.svg$|offline$|downloads$)/;

/** The persistent context signs in as `account` instead of the worker's member (the test ends that account's sessions). */
async function signInAs(account: Account) {
  const request = await playwrightRequest.newContext({ baseURL });
  try {
    expect((await apiSignIn(request, account.email, account.password)).status()).toBe(302);
    await context.clearCookies();
    await context.addCookies((await request.storageState()).cookies);
  } finally {
    await request.dispose();
  }
}

test.describe("the session ends elsewhere", () => {
  let account: Account;
  test.beforeEach(async () => {
    account = await createAccount();
  });
  test.afterEach(async () => {
    await deleteAccount(account.id);
  });

  test("signed out everywhere from another device: offline the downloads still play; back online they are removed and the viewer is told", async ({ browser }) => {
    // A download, a second device signing in (argon2id, deliberately slow), offline playback.
    test.setTimeout(180_000);
    await signInAs(account);
    const page = context.pages()[0] ?? (await context.newPage());
    const watch = new WatchPage(page);
    const downloads = new DownloadsPage(page);
    const shell = new ShellPage(page);
    await watch.goto(video.id);
    await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller?.scriptURL ?? null), { timeout: 60_000 }).toMatch(/\/sw\.js\?v=/);
    // The app has checked the session once and knows whose the data on this device is.
    await expect.poll(() => downloads.owner(), { timeout: 30_000 }).toBe(account.id);
    await downloads.openQualities();
    await downloads.panel.getByRole("radio", { name: /^240p/ }).check();
    await downloads.start();
    await expect(downloads.progress()).toHaveAttribute("aria-valuenow", "100", { timeout: 30_000 });

    // Another device of the same person signs out of all devices.
    const other = await browser.newContext();
    try {
      expect((await apiSignIn(other.request, account.email, account.password)).status()).toBe(302);
      const sessions = new SessionsPage(await other.newPage());
      await sessions.goto();
      await sessions.signOutEverywhere();
    } finally {
      await other.close();
    }

    // On the train, before this device could learn of it: nothing is removed and the download plays.
    await context.setOffline(true);
    await downloads.goto();
    await downloads.row("Offline test").getByRole("button", { name: "Play" }).click();
    await watch.waitForPlayback(0.5);
    await watch.media((v) => v.pause());
    expect(await downloads.stored(video.id)).toEqual({ record: true, files: 14 });
    await expect(shell.offlineNotice).toHaveCount(0);

    // Back online: the app learns the session ended, and this device forgets the account.
    await context.setOffline(false);
    await expect(shell.offlineNotice).toContainText("You were signed out; downloads on this device were removed.", { timeout: 30_000 });
    await expect(downloads.rows).toHaveCount(0);
    expect(await downloads.stored(video.id)).toEqual({ record: false, files: 0 });
    expect(await downloads.owner()).toBeNull();
    const left = (await downloads.cacheEntries()).filter((e) => !SHARED_ENTRY.test(e) && e !== "reel-offline-records /offline-owner");
    expect(left).toEqual([]);
  });

  test("a report queued offline under one account is never sent under the next one signed in on this browser", async () => {
    test.setTimeout(120_000);
    const next = await createAccount({ name: "Nell Next" });
    try {
      await signInAs(account);
      const page = context.pages()[0] ?? (await context.newPage());
      const before = new DownloadsPage(page);
      await before.goto();
      await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller?.scriptURL ?? null), { timeout: 60_000 }).toMatch(/\/sw\.js\?v=/);
      await expect.poll(() => before.owner(), { timeout: 30_000 }).toBe(account.id);

      await context.setOffline(true);
      expect(await before.queueProgress(video.id, 5)).toBe(202);
      expect(await before.outboxOwners()).toEqual([account.id]);
      // Someone else signs in on this browser before it is online again. The app is opened afresh: the service
      // worker, which sends the outbox as the page is requested, acts before the page can check the session.
      await signInAs(next);
      await page.close();
      await context.setOffline(false);
      const reopened = await context.newPage();
      const shell = new ShellPage(reopened);
      const downloads = new DownloadsPage(reopened);
      await downloads.goto();

      await expect(shell.offlineNotice).toContainText("the previous account's downloads on this device were removed", { timeout: 30_000 });
      await expect.poll(() => downloads.outbox()).toBe(0);
      expect(await downloads.owner()).toBe(next.id);
      const saved = await db.select().from(watchProgress).where(eq(watchProgress.videoId, video.id));
      expect(saved.filter((row) => row.userId === next.id || row.userId === account.id)).toEqual([]);
    } finally {
      await deleteAccount(next.id);
    }
  });
});
