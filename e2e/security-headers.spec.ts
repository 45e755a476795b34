import fs from "node:fs/promises";
import path from "node:path";
import { request as playwrightRequest, type APIRequestContext, type APIResponse, type Page } from "@playwright/test";
import { inlineScriptHashes } from "../lib/http/security-headers";
import { createVideo } from "../test/library-data";
import { baseURL } from "./env";
import { expect, test, type SignedIn } from "./fixtures";

/**
 * The security headers of a running Reel (lib/http/security-headers.ts) on every kind of answer, and its pages
 * working under them: every spec's pages are watched for Content-Security-Policy violations (fixtures.ts), and these
 * tests visit the pages no other spec opens, and prove the policy really refuses scripts the page did not bring.
 */

function directives(policy: string): Map<string, string[]> {
  return new Map(
    policy.split(";").map((d) => {
      const [name, ...sources] = d.trim().split(/\s+/);
      return [name, sources];
    }),
  );
}

/** Checks a page's headers and that its HTML's scripts are all allowed by them; returns the CSP's script sources. */
async function expectDocumentHeaders(response: APIResponse, label: string) {
  const headers = response.headers();
  expect(headers["x-content-type-options"], label).toBe("nosniff");
  expect(headers["referrer-policy"], label).toBe("strict-origin-when-cross-origin");
  expect(headers["permissions-policy"], label).toContain("fullscreen=(self)");
  expect(headers["permissions-policy"], label).toContain("camera=()");
  expect(headers["strict-transport-security"], label).toBeUndefined();
  const csp = directives(headers["content-security-policy"] ?? "");
  expect(csp.get("frame-ancestors"), label).toEqual(["'none'"]);
  const scripts = csp.get("script-src") ?? [];
  expect(scripts[0], label).toBe("'self'");
  expect(scripts, label).not.toContain("'unsafe-inline'");
  expect(scripts, label).not.toContain("'unsafe-eval'");
  // A redirect has no document to check.
  if (response.status() >= 300 && response.status() < 400) return;
  const html = await response.text();
  const nonces = scripts.filter((s) => s.startsWith("'nonce-")).map((s) => s.slice(7, -1));
  if (headers["x-reel-cache"] === "hit" || headers["x-reel-cache"] === "stale") {
    // A stored page: its inline scripts are allowed by their hashes, not by the nonce of the render it came from.
    expect(nonces, label).toEqual([]);
    expect(scripts.slice(1).sort(), label).toEqual(inlineScriptHashes(html)!.sort());
  } else {
    // A fresh nonce on every script of the page, Next's and Reel's.
    expect(nonces, label).toHaveLength(1);
    const tags = html.match(/<script\b[^>]*>/gi) ?? [];
    expect(tags.length, label).toBeGreaterThan(0);
    expect(tags.filter((tag) => !tag.includes(` nonce="${nonces[0]}"`)), label).toEqual([]);
  }
  return scripts;
}

/** Asks until the answer comes from the response cache: other tests' writes may change the catalog in between. */
async function cachedPage<T extends { headers(): Record<string, string> }>(load: () => Promise<T | null>): Promise<T> {
  for (let i = 0; i < 10; i++) {
    const response = await load();
    if (response?.headers()["x-reel-cache"] === "hit") return response;
  }
  throw new Error("the page never came from the response cache");
}

async function client(signedIn?: SignedIn): Promise<APIRequestContext> {
  return playwrightRequest.newContext({ baseURL, storageState: signedIn?.storageState });
}

test.describe("security headers", () => {
  test("every page carries the document headers, with a fresh nonce on each render and hashes on a cached one", async ({ admin }) => {
    const tag = `csp${crypto.randomUUID().slice(0, 8)}`;
    const videoId = await createVideo(null, { title: "Header check", tags: [tag] });
    const api = await client(admin);
    const guest = await client();
    try {
      const pages: [APIRequestContext, string][] = [
        [api, "/"],
        [api, "/videos"],
        [api, `/tags/${tag}`],
        [api, `/watch/${videoId}`],
        [api, "/settings"],
        [api, "/settings/tokens"],
        [api, "/admin"],
        [api, "/admin/users"],
        [api, "/upload"],
        [api, "/favorites"],
        [api, "/history"],
        [api, "/no-such-page"],
        [api, `/watch/${crypto.randomUUID()}`],
        [guest, "/login"],
        [guest, "/setup"],
        // Sent to /login by the proxy itself.
        [guest, "/settings"],
      ];
      const policies: string[] = [];
      for (const [context, path] of pages) {
        const response = await context.get(path, { maxRedirects: 0 });
        expect([200, 307, 404], path).toContain(response.status());
        await expectDocumentHeaders(response, path);
        policies.push(response.headers()["content-security-policy"]);
      }
      expect(new Set(policies).size, "a nonce is never sent twice").toBe(policies.length);

      // Served from the response cache (unless another test changed the catalog in between: then again).
      const hit = await cachedPage(() => api.get("/videos"));
      await expectDocumentHeaders(hit, "/videos (cached)");
    } finally {
      await Promise.all([api.dispose(), guest.dispose()]);
    }
  });

  test("every other answer forbids sniffing: API JSON, media, Next's and Reel's static files", async ({ member }) => {
    const [{ paths }, { mediaUrl }] = await Promise.all([import("../lib/env"), import("../lib/media/urls")]);
    const videoId = crypto.randomUUID();
    await fs.mkdir(path.join(paths.media, videoId, "mp4"), { recursive: true });
    await fs.writeFile(path.join(paths.media, videoId, "mp4", "video.mp4"), Buffer.alloc(4096));
    const api = await client(member);
    try {
      const page = await (await api.get("/login")).text();
      const chunk = /<script\b[^>]*\ssrc="(\/_next\/static\/[^"]+)"/.exec(page)?.[1];
      expect(chunk, "a script of the build in the page").toBeTruthy();
      const hls = /\/_reel\/hls\/[\w.]+\?v=[\w.-]+/.exec(page)?.[0];
      expect(hls, "the hls.js URL in the page").toBeTruthy();
      for (const [path, status] of [
        ["/api/health", 200],
        ["/api/videos?limit=1", 200],
        ["/api/no-such-route", 404],
        [mediaUrl(videoId, "mp4/video.mp4"), 200],
        [`/media/not-a-token/${videoId}/mp4/video.mp4`, 403],
        [chunk!, 200],
        [hls!, 200],
      ] as const) {
        const response = await api.get(path, { maxRedirects: 0 });
        expect(response.status(), path).toBe(status);
        expect(response.headers()["x-content-type-options"], path).toBe("nosniff");
      }
    } finally {
      await api.dispose();
      await fs.rm(path.join(paths.media, videoId), { recursive: true, force: true });
    }
  });

  test("HSTS follows the trusted proxy's X-Forwarded-Proto (this instance trusts one proxy)", async ({ member }) => {
    const api = await client(member);
    try {
      for (const path of ["/videos", "/login", "/api/health", "/media/not-a-token/x/y.mp4"]) {
        const https = await api.get(path, { headers: { "x-forwarded-proto": "https" }, maxRedirects: 0 });
        expect(https.headers()["strict-transport-security"], path).toBe("max-age=31536000");
        const http = await api.get(path, { headers: { "x-forwarded-proto": "http" }, maxRedirects: 0 });
        expect(http.headers()["strict-transport-security"], path).toBeUndefined();
      }
    } finally {
      await api.dispose();
    }
  });
});

/** Whether React has hydrated the document (it marks the container it hydrated). */
async function expectHydrated(page: Page) {
  await expect.poll(() => page.evaluate(() => Object.keys(document).some((k) => k.startsWith("__reactContainer$"))), { message: page.url() }).toBe(true);
}

test.describe("pages under the policy", () => {
  test("every page loads and hydrates without a violation, from a hard load and a client-side navigation", async ({ adminPage, page }) => {
    // Nineteen page loads on two shared cores.
    test.setTimeout(120_000);
    const tag = `csp${crypto.randomUUID().slice(0, 8)}`;
    const videoId = await createVideo(null, { title: "Page check", tags: [tag] });
    for (const path of ["/", "/videos", "/videos", `/tags/${tag}`, `/watch/${videoId}`, "/settings", "/settings/tokens", "/settings/password", "/admin", "/admin/users", "/admin/jobs", "/admin/settings", "/admin/media-folders", "/upload", "/favorites", "/history", "/no-such-page"]) {
      await adminPage.goto(path);
      await expectHydrated(adminPage);
    }
    await adminPage.goto("/");
    await adminPage.getByRole("link", { name: "Videos" }).first().click();
    await adminPage.waitForURL("**/videos");
    await expect(adminPage.getByTestId("video-grid")).toBeVisible();
    for (const path of ["/login", "/setup"]) {
      await page.goto(path);
      await expectHydrated(page);
    }
    // Violations, had there been any, fail the test (fixtures.ts).
  });

  test("an inline script or handler the page did not bring is refused, on a rendered and on a cached page", async ({ memberPage, cspViolations }) => {
    const videoId = await createVideo(null, { title: "Injection check" });
    const rendered = async (path: string) => (await memberPage.goto(path))!;
    const loads: [string, () => Promise<{ headers(): Record<string, string> }>][] = [
      ["watch page", () => rendered(`/watch/${videoId}`)],
      ["cached catalog", () => cachedPage(() => rendered("/videos"))],
    ];
    for (const [label, load] of loads) {
      await load();
      await expectHydrated(memberPage);
      expect(cspViolations, label).toEqual([]);
      await memberPage.evaluate(() => {
        const script = document.createElement("script");
        script.textContent = "window.injected = 'script'";
        document.body.append(script);
        const holder = document.createElement("div");
        holder.innerHTML = `<img src="data:," onerror="window.injected = 'handler'" onload="window.injected = 'handler'">`;
        document.body.append(holder);
      });
      // Reported by the page's securitypolicyviolation events (and by Chromium's console).
      const refused = () => [...new Set(cspViolations.flatMap((v) => /: (script-src-\w+) refused /.exec(v)?.[1] ?? []))].sort();
      await expect.poll(refused, { message: label }).toEqual(["script-src-attr", "script-src-elem"]);
      expect(await memberPage.evaluate(() => (window as unknown as { injected?: string }).injected), label).toBeUndefined();
      cspViolations.splice(0);
    }
  });

  test("a title made of HTML stays text: nothing in it even tries to run", async ({ memberPage }) => {
    const title = `<img src="data:," onerror="window.injected=1"><script>window.injected=1</script> ${crypto.randomUUID().slice(0, 8)}`;
    const videoId = await createVideo(null, { title });
    await memberPage.goto(`/watch/${videoId}`);
    await expect(memberPage.getByRole("heading", { level: 1 })).toHaveText(title);
    await memberPage.goto(`/videos?q=${encodeURIComponent(title.slice(-8))}`);
    await expect(memberPage.getByTestId("video-card")).toHaveCount(1);
    expect(await memberPage.evaluate(() => (window as unknown as { injected?: number }).injected)).toBeUndefined();
  });
});
