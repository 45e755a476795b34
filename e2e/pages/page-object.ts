import { expect, type Page } from "@playwright/test";

/**
 * What every page object stands on: the Playwright page. Subclasses declare their locators as field initialisers
 * (`readonly email = this.page.getByLabel("Email")`), which run once this constructor has set `page`.
 */
export abstract class PageObject {
  constructor(readonly page: Page) {}

  /** Opens `path` and waits for its heading: the page has rendered, not only answered. */
  protected async open(path: string, heading: string) {
    await this.page.goto(path);
    await expect(this.page.getByRole("heading", { name: heading, exact: true })).toBeVisible();
  }
}
