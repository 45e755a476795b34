import { randomBytes } from "node:crypto";
import type { Viewer } from "../lib/auth/viewer";
import { addPosters, createVideo, setProgress } from "../test/library-data";
import { expect, test, type SignedIn } from "./fixtures";
import { HistoryPage, LibraryPage } from "./pages/library-page";

/**
 * The library in a browser, on videos inserted straight into the instance's database (the player's
 * specs cover real playback). Every test works inside its own tag, so other specs' videos never count.
 */

const newTag = () => `e2e${randomBytes(4).toString("hex")}`;
const asViewer = (s: SignedIn): Viewer => ({ ...s.account, via: "session" });

test.describe("library", () => {
  test("search narrows the grid as you type", async ({ memberPage, member }) => {
    const tag = newTag();
    const owner = asViewer(member);
    const harbor = await createVideo(owner, { title: "Harbor lights at dusk", tags: [tag] });
    await createVideo(owner, { title: "Canyon hike", tags: [tag] });
    await createVideo(owner, { title: "Desert drive", tags: [tag], description: "Long empty roads." });
    const library = new LibraryPage(memberPage);
    await library.gotoVideos({ tags: tag });
    await expect(library.cards()).toHaveCount(3);

    await library.search("harb");
    await expect(library.cards()).toHaveCount(1);
    expect(await library.gridIds()).toEqual([harbor]);
    await expect(library.card(harbor).locator("mark")).toHaveText("Harbor");

    // A typo still finds it.
    await library.gotoVideos({ tags: tag, q: "harbr" });
    expect(await library.gridIds()).toEqual([harbor]);
  });

  test("tag filter requires every selected tag; chips toggle them", async ({ memberPage, member }) => {
    const [t1, t2] = [newTag(), newTag()];
    const owner = asViewer(member);
    const both = await createVideo(owner, { title: "Both tags", tags: [t1, t2] });
    const one = await createVideo(owner, { title: "One tag", tags: [t1] });
    const library = new LibraryPage(memberPage);

    await library.gotoVideos({ tags: `${t1},${t2}` });
    expect(await library.gridIds()).toEqual([both]);
    await library.tagChip(t2).click();
    await expect(library.cards()).toHaveCount(2);
    expect(new URL(memberPage.url()).searchParams.get("tags")).toBe(t1);

    await memberPage.goto(`/tags/${t1}`);
    await expect(library.cards()).toHaveCount(2);
    expect(new Set(await library.gridIds())).toEqual(new Set([both, one]));
  });

  test("favourite and rating persist after a reload", async ({ memberPage, member }) => {
    const tag = newTag();
    const id = await createVideo(asViewer(member), { title: "Keeper", tags: [tag] });
    const library = new LibraryPage(memberPage);
    await library.gotoVideos({ tags: tag });
    await library.toggleFavorite(id);
    await library.rate(id, 4);

    await memberPage.reload();
    const card = library.card(id);
    await expect(card.getByTestId("favorite-button")).toHaveAttribute("aria-pressed", "true");
    await expect(card.getByTestId("rating-button")).toHaveText("★4");
    await expect(card).toContainText("★ 4.0 (1)");

    await memberPage.goto("/favorites");
    await expect(library.card(id)).toBeVisible();
  });

  test("a half-watched video shows in Continue Watching with its progress", async ({ memberPage, member }) => {
    const viewer = asViewer(member);
    const id = await createVideo(viewer, { title: "Halfway documentary", duration: 1440, tags: [newTag()] });
    await setProgress(viewer, id, 720, { duration: 1440 });
    const library = new LibraryPage(memberPage);
    await library.gotoHome();
    const card = library.card(id, library.continueWatching);
    await expect(card).toBeVisible();
    await expect(card.getByTestId("time-left")).toHaveText("12 min left");
    const width = await card.getByTestId("progress-bar").locator("span").evaluate((el) => (el as HTMLElement).style.width);
    expect(width).toBe("50%");
  });

  test("history: remove one entry, then clear everything", async ({ memberPage, member }) => {
    const viewer = asViewer(member);
    const ids: string[] = [];
    for (const [i, title] of ["First watched", "Second watched", "Third watched"].entries()) {
      const id = await createVideo(viewer, { title, tags: [newTag()] });
      await setProgress(viewer, id, 30, { updatedAt: new Date(Date.now() - (3 - i) * 60_000) });
      ids.push(id);
    }
    const history = new HistoryPage(memberPage);
    await history.goto();
    for (const id of ids) await expect(history.item(id)).toBeVisible();
    // Most recent first.
    const order = await history.items.evaluateAll((nodes) => nodes.map((n) => n.getAttribute("data-video-id")));
    expect(order.filter((id) => ids.includes(id!))).toEqual([...ids].reverse());

    await history.remove(ids[1]);
    await memberPage.reload();
    await expect(history.item(ids[1])).toHaveCount(0);
    await expect(history.item(ids[0])).toBeVisible();

    await history.clearAll();
    await expect(history.items).toHaveCount(0);
    await memberPage.reload();
    await expect(history.items).toHaveCount(0);
    await expect(memberPage.getByText("Nothing watched yet")).toBeVisible();
  });

  test("the owner edits a video's details and deletes it", async ({ memberPage, member }) => {
    const tag = newTag();
    const id = await createVideo(asViewer(member), { title: "Draft title", tags: [tag] });
    await memberPage.goto(`/videos/${id}/edit`);
    await memberPage.getByRole("textbox", { name: "Title" }).fill("Final title");
    await memberPage.getByRole("textbox", { name: /^Tags/ }).fill(`${tag}, Extra`);
    await memberPage.getByRole("radio", { name: /^Unlisted/ }).check();
    await memberPage.getByRole("button", { name: "Save changes" }).click();
    await expect(memberPage.getByText("Saved.")).toBeVisible();

    const library = new LibraryPage(memberPage);
    await library.gotoVideos({ tags: `${tag},extra` });
    await expect(library.card(id)).toContainText("Final title");
    await expect(library.card(id)).toContainText("unlisted");

    await memberPage.goto(`/videos/${id}/edit`);
    await memberPage.getByRole("button", { name: "Delete video" }).click();
    await memberPage.getByRole("dialog").getByRole("button", { name: "Delete" }).click();
    await memberPage.waitForURL("**/videos");
    await library.gotoVideos({ tags: tag });
    await expect(library.cards()).toHaveCount(0);
  });

  test("the owner adds and removes caption tracks on the edit page", async ({ memberPage, member }) => {
    const id = await createVideo(asViewer(member), { title: "Captioned" });
    await memberPage.goto(`/videos/${id}/edit`);
    const tracks = memberPage.getByTestId("caption-track");
    await expect(memberPage.getByText("No caption track yet.")).toBeVisible();
    await memberPage.getByLabel("Caption language").fill("fr");
    await memberPage.getByTestId("caption-input").setInputFiles({
      name: "sous-titres.srt",
      mimeType: "application/x-subrip",
      buffer: Buffer.from("1\n00:00:01,000 --> 00:00:02,000\nBonjour\n"),
    });
    await expect(tracks).toHaveCount(1);
    await expect(tracks).toContainText("fr · uploaded");
    await memberPage.reload();
    await memberPage.getByRole("button", { name: "Remove fr" }).click();
    await expect(tracks).toHaveCount(0);
    await expect(memberPage.getByText("No caption track yet.")).toBeVisible();
  });

  test("home page on a phone and a desktop", async ({ memberPage, member }, testInfo) => {
    const viewer = asViewer(member);
    const titles = ["Northern lights over the fjord", "Street food in Bangkok", "How to brew coffee", "Thunderstorm timelapse", "Piano practice", "Kitchen garden in spring", "Harbor at night", "Rocket launch"];
    for (const [i, title] of titles.entries()) {
      const id = await createVideo(viewer, { title, tags: ["showcase", i % 2 ? "travel" : "howto"], duration: 300 + i * 137 });
      await addPosters(id, (i * 47) % 360);
      if (i < 3) await setProgress(viewer, id, 60 + i * 90, { duration: 300 + i * 137 });
    }
    const library = new LibraryPage(memberPage);
    for (const [name, size] of [
      ["phone", { width: 390, height: 844 }],
      ["desktop", { width: 1440, height: 900 }],
    ] as const) {
      await memberPage.setViewportSize(size);
      await library.gotoHome();
      await expect(library.continueWatching).toBeVisible();
      // Posters load (lazy images in view) and nothing overflows the viewport sideways.
      await expect(library.continueWatching.locator("img").first()).toHaveJSProperty("complete", true);
      const overflow = await memberPage.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, `${name}: page wider than the viewport`).toBeLessThanOrEqual(0);
      await memberPage.screenshot({ path: testInfo.outputPath(`home-${name}.png`) });
    }
  });
});
