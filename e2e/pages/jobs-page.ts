import { PageObject } from "./page-object";

export class JobsPage extends PageObject {
  async goto() {
    await this.open("/admin/jobs", "Jobs");
  }

  /** The running job of `step` (its label, e.g. "HLS ladder") for the video titled `title`. */
  running(step: string, title: string) {
    return this.page.getByTestId("running-jobs").getByTestId("job-row").filter({ hasText: step }).filter({ hasText: title });
  }

  failed(title: string) {
    return this.page.getByTestId("failed-video").filter({ hasText: title });
  }

  /** Accepts the "Stop processing …?" confirmation. */
  async cancel(title: string) {
    this.page.once("dialog", (dialog) => dialog.accept());
    await this.page.getByTestId("job-row").filter({ hasText: title }).first().getByRole("button", { name: "Cancel" }).click();
  }

  async retry(title: string) {
    await this.failed(title).getByRole("button", { name: "Retry" }).click();
  }
}
