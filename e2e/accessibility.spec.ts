import { randomBytes } from "node:crypto";
import type { Page } from "@playwright/test";
import type { Viewer } from "../lib/auth/viewer";
import { addPosters, createVideo, setProgress } from "../test/library-data";
import { expect, test, type SignedIn } from "./fixtures";
import { seriousViolations } from "./pages/axe";
import { createTestVideo } from "./watch-media";

/**
 * axe-core on every page, with data in it: cards with posters, durations, progress and private/unlisted badges,
 * history, favourites, a playable video with tags and a description, an editable video of the member's own.
 */

const asViewer = (s: SignedIn): Viewer => ({ ...s.account, via: "session" });
const tag = `a11y${randomBytes(3).toString("hex")}`;
let playable: string;
let owned: string;

test.beforeAll(async ({ member }) => {
  test.setTimeout(60_000);
  const owner = asViewer(member);
  const media = await createTestVideo({ title: "Accessible video", seconds: 4, fps: 24, rungs: [{ height: 240, kbps: 250 }] });
  playable = media.id;
  owned = await createVideo(owner, { title: "My own clip", tags: [tag], visibility: "unlisted", description: "See https://example.com" });
  const watched = await createVideo(owner, { title: "Half watched", tags: [tag], duration: 120 });
  await createVideo(owner, { title: "Still processing", tags: [tag], status: "processing" });
  await addPosters(watched, 200);
  await setProgress(owner, watched, 40, { duration: 120 });
  await setProgress(owner, owned, 10, { duration: 600 });
});

async function expectNoSeriousViolations(page: Page, path: string) {
  const response = await page.goto(path);
  expect(response?.status(), path).toBeLessThan(400);
  await page.waitForLoadState("load");
  expect(await seriousViolations(page), path).toEqual([]);
}

test("member pages have no serious or critical axe violation", async ({ memberPage }) => {
  test.setTimeout(180_000);
  for (const path of ["/", "/videos", `/videos?tags=${tag}`, "/history", "/favorites", `/tags/${tag}`, `/videos/${owned}/edit`, "/settings", "/settings/password", "/settings/sessions", "/settings/tokens", `/embed/${playable}`]) {
    await expectNoSeriousViolations(memberPage, path);
  }
  await memberPage.goto(`/watch/${playable}`);
  await expect(memberPage.getByTestId("video-details")).toBeVisible();
  await expect(memberPage.getByTestId("player")).toHaveAttribute("data-engine", /.+/);
  expect(await seriousViolations(memberPage), "/watch").toEqual([]);
  await memberPage.getByTestId("share-button").click();
  expect(await seriousViolations(memberPage), "/watch with Share open").toEqual([]);
});

test("upload and admin pages have no serious or critical axe violation", async ({ uploaderPage, adminPage }) => {
  test.setTimeout(180_000);
  await expectNoSeriousViolations(uploaderPage, "/upload");
  for (const path of ["/admin", "/admin/users", "/admin/jobs", "/admin/settings", "/admin/media-folders"]) {
    await expectNoSeriousViolations(adminPage, path);
  }
});

test("signed-out pages have no serious or critical axe violation", async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await expectNoSeriousViolations(page, "/login");
  await page.goto("/no-such-page");
  expect(await seriousViolations(page), "404").toEqual([]);
  await context.close();
});
