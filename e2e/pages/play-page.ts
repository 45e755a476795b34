import { expect, type Locator, type Page } from "@playwright/test";

/** Play a link: the paste form and the recent list on /play. */
export class PlayPage {
  readonly input: Locator;
  readonly error: Locator;
  readonly recent: Locator;

  constructor(readonly page: Page) {
    this.input = page.getByRole("textbox", { name: "Video link" });
    this.error = page.getByTestId("play-error");
    this.recent = page.getByTestId("play-recent-item");
  }

  async goto() {
    await this.page.goto("/play");
  }

  /** Pastes a URL and presses Play; resolves with the link id once its page is open. */
  async play(url: string): Promise<string> {
    await this.input.fill(url);
    await this.page.getByRole("button", { name: "Play" }).click();
    await this.page.waitForURL(/\/play\/[0-9a-f-]{36}$/);
    return this.page.url().split("/").pop()!;
  }

  item(linkId: string) {
    return this.page.locator(`[data-testid="play-recent-item"][data-link-id="${linkId}"]`);
  }

  async expectListed(linkId: string) {
    await expect(this.item(linkId)).toBeVisible();
  }
}
