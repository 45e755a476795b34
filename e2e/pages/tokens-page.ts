import { expect } from "@playwright/test";
import { PageObject } from "./page-object";

export class TokensPage extends PageObject {
  async goto() {
    await this.open("/settings/tokens", "API tokens");
  }

  /** Creates a token in the UI and returns the secret shown once. */
  async create(name: string): Promise<string> {
    const form = this.page.getByRole("form", { name: "New token" });
    await form.getByLabel("Name").fill(name);
    await form.getByRole("button", { name: "Create token" }).click();
    const secret = this.page.getByTestId("new-token");
    await expect(secret).toBeVisible();
    return secret.inputValue();
  }

  row(name: string) {
    return this.page.getByTestId("token-row").filter({ hasText: name });
  }

  async revoke(name: string) {
    this.page.once("dialog", (dialog) => dialog.accept());
    await this.row(name).getByRole("button", { name: `Revoke ${name}` }).click();
    await expect(this.row(name)).toHaveCount(0);
  }
}
