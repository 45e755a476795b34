import { expect, type Page } from "@playwright/test";
import { PageObject } from "./page-object";

/** What the watch page shows around the player: rating, favourite, Share, Download, Up next and the autoplay countdown. */
export class WatchDetails extends PageObject {
  readonly details = this.page.getByTestId("video-details");
  readonly favorite = this.page.getByTestId("watch-favorite");
  readonly ratingSummary = this.page.getByTestId("rating-summary");
  readonly upNext = this.page.getByTestId("up-next");
  readonly countdown = this.page.getByTestId("autoplay-countdown");

  star(value: number) {
    return this.page.getByRole("group", { name: "Your rating" }).getByRole("button", { name: value === 1 ? "1 star" : `${value} stars` });
  }

  async rate(value: number) {
    const saved = this.page.waitForResponse((r) => r.url().endsWith("/rating") && r.request().method() === "PUT");
    await this.star(value).click();
    expect((await saved).ok()).toBe(true);
  }

  async toggleFavorite() {
    const saved = this.page.waitForResponse((r) => r.url().endsWith("/favorite"));
    await this.favorite.click();
    expect((await saved).ok()).toBe(true);
  }

  /** Opens Share and gives the link it offers, at the current time when asked. */
  async shareLink(atCurrentTime: boolean) {
    await this.page.getByTestId("share-button").click();
    if (atCurrentTime) await this.page.getByTestId("share-at-time").check();
    return this.page.getByTestId("share-link").inputValue();
  }

  /** Opens the Download menu and saves one of its files; resolves with the browser's download. */
  async download(kind: "original" | "mp4") {
    await this.page.getByTestId("download-button").click();
    const started = this.page.waitForEvent("download");
    await this.page.getByTestId(`download-${kind}`).click();
    return started;
  }

  firstUpNextId() {
    return this.upNext.getByTestId("up-next-item").first().getAttribute("data-video-id");
  }
}

/**
 * Two touch taps on one side of the picture, as the browser reports them (click events from a touch pointer), sent
 * together so that a busy machine cannot stretch them past the double-tap delay. Resolves with the ripple's text.
 */
export function doubleTapPicture(page: Page, side: "left" | "right"): Promise<string> {
  return page.evaluate((side) => {
    const video = document.querySelector<HTMLVideoElement>('[data-testid="player"] video')!;
    const box = video.getBoundingClientRect();
    const x = box.left + box.width * (side === "left" ? 0.15 : 0.85);
    const y = box.top + box.height / 2;
    const shown = new Promise<string>((resolve) => {
      const observer = new MutationObserver(() => {
        const ripple = document.querySelector('[data-testid="seek-ripple"]');
        if (ripple?.textContent?.includes(side === "left" ? "«" : "»")) {
          observer.disconnect();
          resolve(ripple.textContent ?? "");
        }
      });
      observer.observe(document.body, { childList: true, subtree: true });
    });
    for (let i = 0; i < 2; i++) video.dispatchEvent(new PointerEvent("click", { pointerType: "touch", clientX: x, clientY: y, bubbles: true }));
    return shown;
  }, side);
}
