import { expect } from "@playwright/test";
import { PageObject } from "./page-object";

/** Play a link: the paste form and the recent list on /play. */
export class PlayPage extends PageObject {
  readonly input = this.page.getByRole("textbox", { name: "Video link" });
  readonly error = this.page.getByTestId("play-error");
  readonly recent = this.page.getByTestId("play-recent-item");

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
