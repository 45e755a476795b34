import { PageObject } from "./page-object";

/** /admin/settings: one form per card, named by its title. */
export class SettingsPage extends PageObject {
  async goto() {
    await this.open("/admin/settings", "Settings");
  }

  form(title: string) {
    return this.page.getByRole("form", { name: title });
  }

  async save(title: string) {
    await this.form(title).getByRole("button", { name: "Save" }).click();
  }
}
