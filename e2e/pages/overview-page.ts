import { expect, type Page } from "@playwright/test";

/** The admin overview (/admin). */
export class OverviewPage {
  static readonly panels = ["storage", "videos", "queue", "server", "workers", "web", "routes", "errors"] as const;

  constructor(readonly page: Page) {}

  async goto() {
    await this.page.goto("/admin");
    await expect(this.page.getByRole("heading", { name: "Overview", exact: true })).toBeVisible();
  }

  panel(name: (typeof OverviewPage.panels)[number]) {
    return this.page.getByTestId(`panel-${name}`);
  }

  /** When the figures shown were read (changes with each refresh). */
  generatedAt() {
    return this.page.getByRole("heading", { name: "Overview", exact: true }).locator("xpath=..").locator("time").getAttribute("datetime");
  }

  routeRow(route: string) {
    return this.page.getByTestId("route-row").filter({ hasText: route });
  }

  /** Whether the page is wider than the window (a phone would have to scroll the whole page sideways). */
  overflowsSideways() {
    return this.page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
  }
}
