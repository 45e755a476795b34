import { expect } from "@playwright/test";
import { PageObject } from "./page-object";

export class SessionsPage extends PageObject {
  async goto() {
    await this.open("/settings/sessions", "Sessions");
  }

  /** Confirms the prompt; every session ends, this one included, so the page lands on /login. */
  async signOutEverywhere() {
    this.page.once("dialog", (dialog) => dialog.accept());
    await this.page.getByRole("form", { name: "Sign out of all devices" }).getByRole("button", { name: "Sign out of all devices" }).click();
    // The action ends every session, then the page re-renders as signed out: seconds on a busy machine.
    await expect(this.page).toHaveURL(/\/login/, { timeout: 30_000 });
  }
}
