import fs from "node:fs";
import { expect, test } from "./fixtures";
import { UploadPage } from "./pages/upload-page";
import { makeSource } from "../test/media";

const clip = () => ({ name: `clip-${Date.now()}.mp4`, mimeType: "video/mp4", buffer: fs.readFileSync(makeSource({ name: "e2e.mp4", seconds: 3 })) });

test.describe("upload page", () => {
  test("drag a video onto the page: progress reaches 100%, the API knows the video, and it plays as MP4", async ({ uploaderPage }) => {
    // Upload, then a worker's probe and faststart: more than the default 30 s on two shared cores.
    test.setTimeout(90_000);
    const upload = new UploadPage(uploaderPage);
    await upload.goto();
    const file = clip();
    await upload.drop([file]);
    await upload.expectDone(file.name);
    const videoId = await upload.videoId(file.name);

    const res = await uploaderPage.request.get(`/api/videos/${videoId}`);
    expect(res.status()).toBe(200);
    const video = (await res.json()) as { status: string };
    expect(["uploaded", "probing", "playable", "processing", "ready"]).toContain(video.status);

    // Needs a worker: the faststart MP4 makes it playable long before the ladder is done.
    await expect(upload.status(file.name)).toHaveAttribute("data-status", /playable|processing|ready/, { timeout: 60_000 });
    await uploaderPage.goto(`/watch/${videoId}`);
    const playing = await uploaderPage.locator("video").first().evaluate(
      (v: HTMLVideoElement) =>
        new Promise<boolean>((resolve) => {
          if (!v.paused && v.readyState >= 2) return resolve(true);
          v.muted = true;
          v.addEventListener("playing", () => resolve(true), { once: true });
          void v.play().catch(() => undefined);
          setTimeout(() => resolve(false), 15_000);
        }),
    );
    expect(playing).toBe(true);
  });

  test("uploads several files at once, with pause and resume", async ({ uploaderPage }) => {
    const upload = new UploadPage(uploaderPage);
    await upload.goto();
    // Data requests wait until the first upload shows paused, so the pause lands mid-transfer whichever file's
    // request goes out first; then they all go through.
    let release!: () => void;
    const paused = new Promise<void>((resolve) => (release = resolve));
    await uploaderPage.route("**/api/uploads/*", async (route) => {
      if (route.request().method() === "PATCH") await paused;
      await route.continue().catch(() => undefined);
    });
    const first = clip();
    const second = { ...clip(), name: `second-${Date.now()}.mp4` };
    await upload.drop([first, second]);
    await expect(upload.item(first.name).getByRole("button", { name: "Pause" })).toBeVisible();
    await upload.item(first.name).getByRole("button", { name: "Pause" }).click();
    await expect(upload.item(first.name)).toHaveAttribute("data-phase", "paused");
    release();
    await upload.expectDone(second.name);
    await upload.item(first.name).getByRole("button", { name: "Resume" }).click();
    await upload.expectDone(first.name);
    expect(await upload.videoId(first.name)).not.toBe(await upload.videoId(second.name));
  });

  test("refuses files that are not video, saying why, without sending them", async ({ uploaderPage }) => {
    const upload = new UploadPage(uploaderPage);
    await upload.goto();
    const requests: string[] = [];
    uploaderPage.on("request", (r) => r.url().includes("/api/uploads") && requests.push(r.method()));
    await upload.drop([{ name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("hello") }]);
    await expect(upload.item("notes.txt").getByTestId("upload-refused")).toContainText("text/plain file, not a video");
    expect(requests).toEqual([]);
  });

  test("a file that only looks like a video is refused by the server's probe, with the reason", async ({ uploaderPage }) => {
    const upload = new UploadPage(uploaderPage);
    await upload.goto();
    const name = `fake-${Date.now()}.mp4`;
    await upload.drop([{ name, mimeType: "video/mp4", buffer: Buffer.from("this is not a video at all, just text") }]);
    await upload.expectDone(name);
    await expect(upload.status(name)).toHaveAttribute("data-status", "failed", { timeout: 30_000 });
    await expect(upload.item(name).getByTestId("failure-reason")).not.toBeEmpty();
  });

  test("a URL import of a private address is refused at once, with the reason", async ({ uploaderPage }) => {
    const upload = new UploadPage(uploaderPage);
    await upload.goto();
    await upload.importUrl("http://169.254.169.254/latest/meta-data/film.mp4");
    await expect(uploaderPage.getByTestId("import-error")).toContainText("not allowed");
    await expect(uploaderPage.getByTestId("import-item")).toHaveCount(0);
  });

  test("members without upload rights are told so", async ({ memberPage }) => {
    await memberPage.goto("/upload");
    await expect(memberPage.getByText("Your account may not upload videos")).toBeVisible();
    const res = await memberPage.request.post("/api/uploads", { headers: { "tus-resumable": "1.0.0", "upload-length": "10" } });
    expect(res.status()).toBe(403);
  });
});
