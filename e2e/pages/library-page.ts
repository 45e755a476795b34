import { expect, type Locator } from "@playwright/test";
import { PageObject } from "./page-object";

/** The library's pages: home rows, the /videos catalog, favourites and history. */
export class LibraryPage extends PageObject {
  async gotoVideos(query: Record<string, string> = {}) {
    const qs = new URLSearchParams(query).toString();
    await this.page.goto(qs ? `/videos?${qs}` : "/videos");
  }

  async gotoHome() {
    await this.page.goto("/");
  }

  get grid(): Locator {
    return this.page.getByTestId("video-grid");
  }

  cards(scope: Locator = this.grid): Locator {
    return scope.getByTestId("video-card");
  }

  card(videoId: string, scope: Locator = this.page.locator("body")): Locator {
    return scope.locator(`[data-testid="video-card"][data-video-id="${videoId}"]`).first();
  }

  async gridIds(): Promise<string[]> {
    return this.cards().evaluateAll((nodes) => nodes.map((n) => n.getAttribute("data-video-id")!));
  }

  /** Types like a person (the box searches as you type, debounced) and waits for the URL to follow. */
  async search(text: string) {
    await this.page.getByTestId("search-input").pressSequentially(text, { delay: 30 });
    await this.page.waitForURL((url) => url.searchParams.get("q") === text);
  }

  tagChip(tag: string): Locator {
    return this.page.getByTestId("tag-chip").filter({ hasText: `#${tag}` });
  }

  async toggleFavorite(videoId: string) {
    const button = this.card(videoId).getByTestId("favorite-button");
    const saved = this.page.waitForResponse((r) => r.url().includes(`/api/videos/${videoId}/favorite`) && r.ok());
    await button.click();
    await saved;
  }

  async rate(videoId: string, stars: number) {
    const card = this.card(videoId);
    await card.getByTestId("rating-button").click();
    const saved = this.page.waitForResponse((r) => r.url().includes(`/api/videos/${videoId}/rating`) && r.ok());
    await card.getByRole("button", { name: `${stars} star${stars > 1 ? "s" : ""}`, exact: true }).click();
    await saved;
  }

  get continueWatching(): Locator {
    return this.page.getByTestId("continue-watching");
  }
}

export class HistoryPage extends PageObject {
  async goto() {
    await this.page.goto("/history");
  }

  item(videoId: string): Locator {
    return this.page.locator(`[data-testid="history-item"][data-video-id="${videoId}"]`);
  }

  get items(): Locator {
    return this.page.getByTestId("history-item");
  }

  async remove(videoId: string) {
    const done = this.page.waitForResponse((r) => r.url().includes(`/api/history/${videoId}`) && r.ok());
    await this.item(videoId).getByTestId("history-remove").click();
    await done;
    await expect(this.item(videoId)).toHaveCount(0);
  }

  async clearAll() {
    await this.page.getByTestId("history-clear").click();
    const done = this.page.waitForResponse((r) => r.url().endsWith("/api/history") && r.request().method() === "DELETE" && r.ok());
    await this.page.getByTestId("history-clear-confirm").click();
    await done;
  }
}
