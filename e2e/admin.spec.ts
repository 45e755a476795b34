import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { expect, test } from "./fixtures";
import { JobsPage } from "./pages/jobs-page";
import { SettingsPage } from "./pages/settings-page";

/**
 * A real source handed to the instance's worker the way an upload is (moved under media/<id>/source/, then
 * registered): long enough that its ladder is still encoding while the page is looked at.
 */
async function registerLongSource(title: string) {
  const [{ makeSource }, { paths }, { registerSource }, { stopProducerBoss }] = await Promise.all([
    import("../test/media"),
    import("../lib/env"),
    import("../lib/videos/ingest"),
    import("../lib/queue/boss"),
  ]);
  const file = makeSource({ name: `${randomUUID()}.mp4`, width: 426, height: 240, fps: 25, seconds: 420 });
  const id = randomUUID();
  const target = path.join(paths.media, id, "source", "long.mp4");
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.renameSync(file, target);
  const video = await registerSource({ id, ownerId: null, title, sourceKind: "upload", sourcePath: target, size: fs.statSync(target).size });
  await stopProducerBoss();
  return video;
}

test.describe("admin jobs page", () => {
  test("shows a running ladder with live progress; cancel stops it, retry queues it again", async ({ adminPage }) => {
    test.setTimeout(120_000);
    const title = `Jobs page ${randomUUID().slice(0, 8)}`;
    const video = await registerLongSource(title);
    const jobs = new JobsPage(adminPage);
    await jobs.goto();

    const row = jobs.running("HLS ladder", title);
    await expect(row).toBeVisible({ timeout: 60_000 });
    const bar = row.getByRole("progressbar");
    await expect(bar).toBeVisible({ timeout: 15_000 });
    const first = Number(await bar.getAttribute("aria-valuenow"));
    // The page refreshes itself while work is running: the bar moves without a reload.
    await expect.poll(async () => Number(await bar.getAttribute("aria-valuenow")), { timeout: 30_000 }).toBeGreaterThan(first);

    await jobs.cancel(title);
    await expect(jobs.failed(title)).toContainText("Cancelled", { timeout: 15_000 });
    await expect(row).toHaveCount(0);

    await jobs.retry(title);
    await expect(jobs.failed(title)).toHaveCount(0, { timeout: 15_000 });
    await expect(adminPage.getByTestId("job-row").filter({ hasText: title }).first()).toBeVisible({ timeout: 30_000 });

    // Leave nothing encoding for the other specs.
    const [{ cancelProcessing }] = await Promise.all([import("../lib/videos/lifecycle")]);
    await cancelProcessing(video.id).catch(() => undefined);
  });
});

test.describe("admin media folders page", () => {
  test("explains how to add folders when none is configured, and is for administrators only", async ({ adminPage, memberPage }) => {
    await adminPage.goto("/admin/media-folders");
    await expect(adminPage.getByRole("heading", { name: "Media folders", exact: true })).toBeVisible();
    await expect(adminPage.getByText("No media folder configured")).toBeVisible();
    const res = await memberPage.goto("/admin/media-folders");
    expect(res?.status()).toBe(403);
  });
});

test.describe("admin settings page", () => {
  test("a port out of range is refused with its reason and nothing is saved; valid values are saved", async ({ adminPage }) => {
    const settings = new SettingsPage(adminPage);
    await settings.goto();
    const ports = settings.form("Fetching URLs").getByLabel("More ports");
    // Other tests rely on the instance's fetch policy: the valid save below writes back what was there.
    const before = await ports.inputValue();
    await ports.fill(`${before} 99999`);
    await settings.save("Fetching URLs");
    await expect(settings.form("Fetching URLs").getByRole("alert")).toContainText("65535");
    await settings.goto();
    await expect(ports).toHaveValue(before);
    await settings.save("Fetching URLs");
    await expect(settings.form("Fetching URLs").getByRole("status")).toHaveText("Saved.");
  });
});
