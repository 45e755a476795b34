import { expect, type Locator } from "@playwright/test";
import { PageObject } from "./page-object";

export type DroppedFile = { name: string; mimeType: string; buffer: Buffer };

/** The upload page: drop zone, one item per file (progress, actions, processing status), URL import. */
export class UploadPage extends PageObject {
  readonly dropzone = this.page.getByTestId("upload-dropzone");
  readonly input = this.page.getByTestId("upload-input");
  readonly urlField = this.page.getByLabel("Video URL");

  async goto() {
    await this.open("/upload", "Upload");
  }

  /** Drops files the way a browser does: a DataTransfer with File objects, dragover then drop. */
  async drop(files: DroppedFile[]) {
    const dataTransfer = await this.page.evaluateHandle(
      (list) => {
        const dt = new DataTransfer();
        for (const f of list) {
          const bytes = Uint8Array.from(atob(f.data), (c) => c.charCodeAt(0));
          dt.items.add(new File([bytes], f.name, { type: f.mimeType }));
        }
        return dt;
      },
      files.map((f) => ({ name: f.name, mimeType: f.mimeType, data: f.buffer.toString("base64") })),
    );
    await this.dropzone.dispatchEvent("dragover", { dataTransfer });
    await this.dropzone.dispatchEvent("drop", { dataTransfer });
  }

  item(name: string): Locator {
    return this.page.locator(`[data-testid="upload-item"][data-name="${name}"]`);
  }

  progress(name: string): Locator {
    return this.item(name).getByTestId("upload-progress");
  }

  async expectDone(name: string, timeout = 20_000) {
    await expect(this.item(name)).toHaveAttribute("data-phase", "done", { timeout });
    await expect(this.progress(name)).toHaveAttribute("aria-valuenow", "100");
  }

  /** The id of the video a finished upload became (from its link to the watch page). */
  async videoId(name: string): Promise<string> {
    const href = await this.item(name).getByTestId("video-link").getAttribute("href");
    const id = /\/watch\/([0-9a-f-]{36})$/.exec(href ?? "")?.[1];
    if (!id) throw new Error(`no video link for ${name}: ${href}`);
    return id;
  }

  status(name: string): Locator {
    return this.item(name).getByTestId("video-status");
  }

  async importUrl(url: string) {
    await this.urlField.fill(url);
    await this.page.getByRole("button", { name: "Import", exact: true }).click();
  }
}
