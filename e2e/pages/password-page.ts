import { expect } from "@playwright/test";
import { PageObject } from "./page-object";

export class PasswordPage extends PageObject {
  async expectLoaded() {
    await expect(this.page.getByRole("heading", { name: "Password", exact: true })).toBeVisible();
  }

  async change(current: string, next: string) {
    const form = this.page.getByRole("form", { name: "Change password" });
    await form.getByLabel("Current password").fill(current);
    await form.getByLabel("New password", { exact: true }).fill(next);
    await form.getByLabel("Confirm new password").fill(next);
    await form.getByRole("button", { name: "Change password" }).click();
  }
}
