import { expect, type Locator } from "@playwright/test";
import { PageObject } from "./page-object";

export class AdminUsersPage extends PageObject {
  readonly form = this.page.getByRole("form", { name: "Add a user" });

  async goto() {
    await this.open("/admin/users", "Users");
  }

  row(email: string): Locator {
    return this.page.locator(`[data-testid="user-row"][data-email="${email}"]`);
  }

  /** Adds a user; without a password they get an invite link, which is returned. */
  async addUser(values: { name: string; email: string; role?: "admin" | "member"; canUpload?: boolean; password?: string }): Promise<string | null> {
    await this.form.getByLabel("Name").fill(values.name);
    await this.form.getByLabel("Email").fill(values.email);
    await this.form.getByLabel("Role").selectOption(values.role ?? "member");
    if (values.canUpload) await this.form.getByLabel("May upload videos").check();
    if (values.password) {
      await this.form.getByText("Set a password").click();
      await this.form.getByLabel("Password", { exact: true }).fill(values.password);
      await this.form.getByRole("button", { name: "Add user" }).click();
      await expect(this.form.getByText(`${values.email} can sign in now.`)).toBeVisible();
      return null;
    }
    await this.form.getByRole("button", { name: "Add and create invite link" }).click();
    const link = this.form.getByTestId("invite-link");
    await expect(link).toBeVisible();
    return link.inputValue();
  }

  async act(email: string, button: string) {
    if (button === "Delete") this.page.once("dialog", (dialog) => dialog.accept());
    await this.row(email).getByRole("button", { name: button, exact: true }).click();
  }
}
