import fs from "node:fs";
import type { BrowserContext, Page } from "@playwright/test";
import { makeSource } from "../test/media";
import { expect, test, watchCsp } from "./fixtures";
import { startNextOnly, type NextOnlyInstance } from "./next-only-instance";
import { SetupPage } from "./pages/setup-page";
import { UploadPage } from "./pages/upload-page";
import { WatchPage } from "./pages/watch-page";

/**
 * The Next-only web tier: `next start` alone with media in a bucket and a worker elsewhere (./next-only-instance.ts)
 * takes an upload, plays it through hls.js with every segment from the bucket, and resumes where the viewer stopped.
 * One instance for the steps below, which run in order.
 */
test.describe.configure({ mode: "serial" });

let instance: NextOnlyInstance;
let context: BrowserContext;
let page: Page;
let videoId = "";
const bucketRequests: string[] = [];
const cspViolations: string[] = [];

test.beforeAll(async ({ browser }) => {
  // A cold `next start`, a worker and a database of their own on two shared cores.
  test.setTimeout(240_000);
  instance = await startNextOnly();
  context = await browser.newContext({ baseURL: instance.url });
  // Segments come from the bucket's origin: the page's policy must allow exactly that.
  await watchCsp(context, cspViolations);
  page = await context.newPage();
  const origin = new URL(instance.url).origin;
  page.on("request", (r) => {
    if (new URL(r.url()).origin !== origin) bucketRequests.push(r.url());
  });
});

test.afterEach(() => {
  expect(cspViolations, "Content-Security-Policy violations").toEqual([]);
});

test.afterAll(async () => {
  await context?.close();
  await instance?.stop();
});

test("first run and upload: the video reaches ready on the worker", async () => {
  test.setTimeout(180_000);
  await page.goto("/");
  const setup = new SetupPage(page);
  await setup.expectOpen();
  await setup.fill({ name: "Next Admin", email: "next-admin@reel.test", password: "next only password" });
  await setup.submit();
  // An argon2 hash and a sign-in on two shared cores.
  await expect(page).toHaveURL(/\/$/, { timeout: 30_000 });

  const upload = new UploadPage(page);
  await upload.goto();
  const file = { name: "next-only.mp4", mimeType: "video/mp4", buffer: fs.readFileSync(makeSource({ name: "next-only.mp4", seconds: 12, width: 320, height: 240 })) };
  await upload.drop([file]);
  await upload.expectDone(file.name, 60_000);
  videoId = await upload.videoId(file.name);
  await expect(upload.status(file.name)).toHaveAttribute("data-status", "ready", { timeout: 150_000 });
});

test("watch: hls.js plays segments fetched from the bucket", async () => {
  const watch = new WatchPage(page);
  await watch.goto(videoId);
  await expect(watch.player).toHaveAttribute("data-engine", "hls", { timeout: 20_000 });
  await watch.waitForPlayback(0.5);
  const bucket = new URL(bucketRequests[0] ?? "http://none").origin;
  expect(bucketRequests.some((u) => /\/hls\/v\d+\/.+\.m4s\?/.test(u) && u.includes("X-Amz-Signature="))).toBe(true);
  expect(bucket).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
});

test("resume: a reload starts a few seconds before the saved position", async () => {
  const watch = new WatchPage(page);
  // Far enough in to resume, far enough from the end that a slow pause never counts as finished.
  await watch.press("6");
  await expect.poll(() => watch.currentTime()).toBeGreaterThan(7.5);
  await watch.markPlaybackStarts();
  const position = await watch.pauseAndSave(videoId);

  await page.reload();
  await expect(watch.player).toHaveAttribute("data-engine", "hls", { timeout: 20_000 });
  const resumedAt = await watch.expectResumedFrom(position, 12);
  await expect.poll(() => watch.currentTime(), { timeout: 15_000 }).toBeGreaterThan(resumedAt + 1);
});
