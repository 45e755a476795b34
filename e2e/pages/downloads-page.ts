import { expect } from "@playwright/test";
import { PageObject } from "./page-object";

/** The watch page's Download panel and the Downloads page, driven as a viewer would. */
export class DownloadsPage extends PageObject {
  readonly panel = this.page.getByTestId("download-panel");
  readonly rows = this.page.getByTestId("download-row");

  async goto() {
    await this.page.goto("/downloads");
  }

  /** Opens the quality choice under the player: labels with their sizes, and which one is picked. */
  async openQualities() {
    await this.panel.getByRole("button", { name: "Save offline" }).click();
    const radios = this.panel.getByRole("radio");
    await expect(radios.first()).toBeVisible();
    const labels = await this.panel.locator("label").allTextContents();
    const checked = await this.panel.getByRole("radio", { checked: true }).getAttribute("value");
    return { labels, checked };
  }

  async start() {
    await this.panel.getByRole("button", { name: "Start download" }).click();
  }

  progress() {
    return this.panel.getByRole("progressbar", { name: "Download progress" });
  }

  error() {
    return this.panel.getByRole("alert");
  }

  row(title: string) {
    return this.rows.filter({ hasText: title });
  }

  /** What the browser holds for a video: its record, and its media keys. */
  stored(videoId: string) {
    return this.page.evaluate(async (id) => {
      const records = await (await caches.open("reel-offline-records")).keys();
      const media = await (await caches.open("reel-offline-media")).keys();
      return {
        record: records.some((r) => new URL(r.url).pathname === `/offline-records/${id}`),
        files: media.filter((r) => new URL(r.url).pathname.startsWith(`/offline-media/${id}/`)).length,
      };
    }, videoId);
  }

  usage() {
    return this.page.evaluate(async () => (await navigator.storage.estimate()).usage ?? 0);
  }

  outbox() {
    return this.page.evaluate(async () => (await (await caches.open("reel-outbox")).keys()).length);
  }

  /** Whose the queued reports are: the account each was made under. */
  outboxOwners() {
    return this.page.evaluate(async () => {
      const outbox = await caches.open("reel-outbox");
      return Promise.all((await outbox.keys()).map(async (k) => ((await (await outbox.match(k))!.json()) as { owner?: string | null }).owner));
    });
  }

  /** Whose the offline data on this device is, as the app recorded it (undefined: not recorded). */
  owner() {
    return this.page.evaluate(async () => {
      const hit = await (await caches.open("reel-offline-records")).match("/offline-owner");
      return hit ? ((await hit.json()) as { userId: string | null }).userId : undefined;
    });
  }

  /** Every entry of Cache Storage, as `cache name path`. */
  cacheEntries() {
    return this.page.evaluate(async () => {
      const entries: string[] = [];
      for (const name of await caches.keys()) for (const request of await (await caches.open(name)).keys()) entries.push(`${name} ${new URL(request.url).pathname}`);
      return entries;
    });
  }

  /** Queues a position report as the player sends it; offline, the service worker keeps it in the outbox (202). */
  queueProgress(videoId: string, position: number) {
    return this.page.evaluate(
      async ({ id, position }) => (await fetch(`/api/videos/${id}/progress`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ position }) })).status,
      { id: videoId, position },
    );
  }
}
