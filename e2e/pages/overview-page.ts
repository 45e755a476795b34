import { PageObject } from "./page-object";

/** The admin overview (/admin). */
export class OverviewPage extends PageObject {
  static readonly panels = ["storage", "videos", "queue", "server", "workers", "web", "routes", "errors"] as const;

  async goto() {
    await this.open("/admin", "Overview");
  }

  panel(name: (typeof OverviewPage.panels)[number]) {
    return this.page.getByTestId(`panel-${name}`);
  }

  /** Streams of the video `videoId` in the playing-now panel. */
  playing(videoId: string) {
    return this.page.getByTestId("playing-now").locator(`[data-testid="playing-stream"][data-video="${videoId}"]`);
  }

  /** When the figures shown were read (changes with each refresh). */
  generatedAt() {
    return this.page.getByRole("heading", { name: "Overview", exact: true }).locator("xpath=..").locator("time").getAttribute("datetime");
  }

  /** The row of exactly this route (`GET /admin`, not `GET /admin/users`). */
  routeRow(route: string) {
    return this.page.getByTestId("route-row").filter({ has: this.page.getByRole("cell", { name: route, exact: true }) });
  }

  /**
   * Whether the page is laid out wider than `width` CSS pixels (a phone would zoom out or scroll the whole page
   * sideways; a mobile browser widens its layout viewport to fit, so window.innerWidth cannot tell).
   */
  overflowsSideways(width: number) {
    return this.page.evaluate((w) => document.documentElement.scrollWidth > w, width);
  }
}
