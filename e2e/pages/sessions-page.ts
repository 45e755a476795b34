import { expect, type Page } from "@playwright/test";

export class SessionsPage {
  constructor(readonly page: Page) {}

  async goto() {
    await this.page.goto("/settings/sessions");
    await expect(this.page.getByRole("heading", { name: "Sessions", exact: true })).toBeVisible();
  }

  /** Confirms the prompt; every session ends, this one included, so the page lands on /login. */
  async signOutEverywhere() {
    this.page.once("dialog", (dialog) => dialog.accept());
    await this.page.getByRole("form", { name: "Sign out of all devices" }).getByRole("button", { name: "Sign out of all devices" }).click();
    await expect(this.page).toHaveURL(/\/login/);
  }
}
