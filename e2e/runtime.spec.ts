import { expect, test } from "@playwright/test";

test.describe("runtime", () => {
  test("the health endpoint reports the database, a live worker and ffmpeg", async ({ request }) => {
    const response = await request.get("/api/health");
    expect(response.status()).toBe(200);
    expect(response.headers()["cache-control"]).toBe("no-store");
    expect(await response.json()).toEqual({ status: "ok", db: "ok", worker: "ok", ffmpeg: expect.stringMatching(/^\d+\.\d+/) });
  });

  test("/media/ is answered by the Node fast path, not by Next", async ({ request }) => {
    const response = await request.get("/media/not-a-token/00000000-0000-4000-8000-000000000000/mp4/video.mp4");
    expect([400, 403, 404]).toContain(response.status());
    // Next would answer with an HTML page; the fast path sends a short plain-text reason with an exact length.
    expect(response.headers()["content-type"]).toBe("text/plain; charset=utf-8");
    expect(response.headers()["content-length"]).toBe(String((await response.body()).length));
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

  test("every page links the site icon, and it is served", async ({ request }) => {
    const html = await (await request.get("/")).text();
    const href = /<link rel="icon" href="([^"]+)"/.exec(html)?.[1];
    expect(href).toMatch(/^\/icon\.svg/);
    const icon = await request.get(href!);
    expect(icon.status()).toBe(200);
    expect(icon.headers()["content-type"]).toContain("image/svg+xml");
  });
});
