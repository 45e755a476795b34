import { expect, test } from "@playwright/test";

test.describe("runtime", () => {
  test("the health endpoint reports the database, a live worker and ffmpeg", async ({ request }) => {
    const response = await request.get("/api/health");
    expect(response.status()).toBe(200);
    expect(response.headers()["cache-control"]).toBe("no-store");
    expect(await response.json()).toEqual({ status: "ok", db: "ok", worker: "ok", ffmpeg: expect.stringMatching(/^\d+\.\d+/) });
  });

  test("requests outside the fast paths reach Next", async ({ request }) => {
    const page = await request.get("/");
    expect(page.status()).toBe(200);
    expect(page.headers()["content-type"]).toContain("text/html");
    expect(page.headers()["keep-alive"]).toBe("timeout=65");

    const missing = await request.get("/no-such-page-here");
    expect(missing.status()).toBe(404);
    expect(await missing.text()).toContain("<html");
  });
});
