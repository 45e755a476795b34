import { expect } from "@playwright/test";
import { PageObject } from "./page-object";

export class SetupPage extends PageObject {
  async expectOpen() {
    await expect(this.page).toHaveURL(/\/setup$/);
    await expect(this.page.getByRole("heading", { name: "Create the administrator account" })).toBeVisible();
  }

  async fill(values: { name: string; email: string; password: string; confirmPassword?: string }) {
    await this.page.getByLabel("Your name").fill(values.name);
    await this.page.getByLabel("Email").fill(values.email);
    await this.page.getByLabel("Password", { exact: true }).fill(values.password);
    await this.page.getByLabel("Confirm password").fill(values.confirmPassword ?? values.password);
  }

  async submit() {
    await this.page.getByRole("button", { name: "Create administrator" }).click();
  }

  /** The message shown under a field (ids end in "-error", see components/ui/field.tsx). */
  fieldError(text: string | RegExp) {
    return this.page.locator('[id$="-error"]').filter({ hasText: text });
  }
}
