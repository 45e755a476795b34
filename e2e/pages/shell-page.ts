import { expect } from "@playwright/test";
import { PageObject } from "./page-object";

/** The header every page renders in: navigation and the account menu, on wide and narrow screens. */
export class ShellPage extends PageObject {
  readonly header = this.page.getByRole("banner");
  /** What the app says when it forgot this device's offline data because the session ended elsewhere. */
  readonly offlineNotice = this.page.getByTestId("offline-notice");

  /** Whether the viewport shows the phone menu button instead of the full bar. */
  async isCompact() {
    return this.page.getByRole("button", { name: /Open menu|Close menu/ }).isVisible();
  }

  async navLinks(): Promise<string[]> {
    if (await this.isCompact()) await this.openMobileMenu();
    const names = await this.page.getByRole("navigation", { name: "Main" }).getByRole("link").allInnerTexts();
    if (await this.isCompact()) await this.closeMobileMenu();
    return names.map((n) => n.replace(/\s*\(current\)$/, "").trim());
  }

  async openMobileMenu() {
    await this.page.getByRole("button", { name: "Open menu" }).click();
    await expect(this.page.locator("#mobile-menu")).toBeVisible();
  }

  async closeMobileMenu() {
    await this.page.getByRole("button", { name: "Close menu" }).click();
  }

  async expectSignedInAs(name: string) {
    if (await this.isCompact()) {
      await this.openMobileMenu();
      await expect(this.page.locator("#mobile-menu").getByText(name, { exact: true })).toBeVisible();
      await this.closeMobileMenu();
    } else {
      await expect(this.header.getByRole("button", { name: new RegExp(`${name}.*account menu`) })).toBeVisible();
    }
  }

  async signOut() {
    if (await this.isCompact()) {
      await this.openMobileMenu();
      await this.page.locator("#mobile-menu").getByRole("button", { name: "Sign out" }).click();
    } else {
      await this.header.getByRole("button", { name: /account menu/ }).click();
      await this.header.getByRole("button", { name: "Sign out" }).click();
    }
    await expect(this.page).toHaveURL(/\/login/);
  }
}
