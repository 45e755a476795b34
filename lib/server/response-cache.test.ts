import { createHash } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import zlib, { gunzipSync } from "node:zlib";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";

// Version counters are instance-wide: a database of its own, so other test files' writes do not bump them.
const { fresh } = await vi.hoisted(async () => {
  const { freshDatabase } = await import("@/test/fresh-database");
  return { fresh: await freshDatabase() };
});

import { encode } from "next-auth/jwt";
import { eq } from "drizzle-orm";
import { createDb } from "@/lib/db/client";
import { favorites, settings, users, videos } from "@/lib/db/schema";
import { env } from "@/lib/env";
import { logger } from "@/lib/log";
import { createApiToken } from "@/lib/auth/api-tokens";
import { getViewer } from "@/lib/auth/session";
import { closeGracefully, createWebServer } from "./http-server";
import { createVideo, createViewer, setProgress } from "@/test/library-data";
import { catalogFastPath, cachedPageFastPaths } from "./catalog-fast-paths";
import { listCatalog } from "@/lib/library/queries/catalog";
import { rateVideo, recordView } from "@/lib/library/queries/interactions";
import { updateDetails } from "@/lib/videos/lifecycle";
import { cacheVersions } from "./response-cache-queries";
import { clearResponseCache, COUNTERS_STALE_MS, laggable, making, sendCachedOrWait, servable, store, type Made } from "./response-cache";
import { contentSecurityPolicy, newNonce, scriptNonce } from "@/lib/http/security-headers";
import { STATS_PAGE_CACHE_MS } from "@/lib/stats/freshness";
import { takeRefreshMark } from "./page-refresh";

/**
 * The cache of rendered lists over real HTTP, with a stand-in for Next that renders the viewer's catalog
 * from the database on every call (and counts the calls), and writes made through a second connection pool
 * — like the worker's — so that only the triggers can tell the web server about them.
 */

let base: string;
const BOOT_SCRIPT = 'self.__next_f.push([1,"\\u003cp\\u003e"])';
let server: ReturnType<typeof createWebServer>;
let renders = 0;
/** While set, renders of a URL with "held" in it wait for it. */
let hold: Promise<void> | null = null;
/** Renders of statistics pages under way, and the most there were at once. */
let statsRendering = 0;
let statsRenderingAtOnce = 0;
let releaseStream!: () => void;
const streamReleased = new Promise<void>((resolve) => (releaseStream = resolve));
const other = createDb(process.env.DATABASE_URL!, { max: 2 });
type Viewer = Awaited<ReturnType<typeof createViewer>>;
let alice: Viewer;
let bob: Viewer;
const cookies = new Map<string, string>();

async function cookieFor(viewer: Viewer) {
  const name = "authjs.session-token";
  const value = await encode({ token: { sub: viewer.id }, secret: env.AUTH_SECRET!, salt: name, maxAge: 3600 });
  cookies.set(viewer.id, `${name}=${value}`);
}

beforeAll(async () => {
  [alice, bob] = await Promise.all([createViewer(), createViewer()]);
  await Promise.all([cookieFor(alice), cookieFor(bob)]);
  await createVideo(alice, { title: "Harbor at dawn" });
  server = createWebServer({
    fastPaths: [catalogFastPath, ...cachedPageFastPaths],
    // Stands in for Next: a signed-in page lists the viewer's catalog; anonymous callers are sent to sign in.
    fallback: async (req, res) => {
      renders++;
      if (req.url?.includes("stream")) {
        // As Next streams a page: head and first part, a flush, and the rest once it is ready.
        res.setHeader("content-type", "text/html; charset=utf-8");
        res.flushHeaders();
        res.write("<p>first</p>");
        (res as typeof res & { flush?: () => void }).flush?.();
        await streamReleased;
        return void res.end("<p>second</p>");
      }
      const headers = new Headers(Object.entries(req.headers).map(([k, v]): [string, string] => [k, String(v)]));
      const viewer = await getViewer(headers);
      if (!viewer) return void res.writeHead(307, { location: "/login" }).end();
      if (req.url?.startsWith("/admin/")) {
        // A statistics page: administrators only, and each render tells itself apart.
        if (viewer.role !== "admin") return void res.writeHead(403, { "content-type": "text/plain" }).end("Forbidden");
        const render = renders;
        statsRenderingAtOnce = Math.max(statsRenderingAtOnce, ++statsRendering);
        if (hold && req.url.includes("held")) await hold;
        statsRendering--;
        return void res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(`<p>${viewer.name}</p><p>render ${render}</p>`);
      }
      const page = await listCatalog(viewer, { limit: 50 });
      const html = `<ul>${page.items.map((v) => `<li>${v.title}${v.me.favorite ? " ♥" : ""} · ${v.viewCount} views</li>`).join("")}</ul>`;
      if (req.url?.includes("cookie")) res.setHeader("set-cookie", "x=1");
      // As proxy.ts and Next do: a fresh nonce in the policy and on the page's inline scripts.
      let scripts = "";
      if (req.url?.includes("csp")) {
        const nonce = newNonce();
        res.setHeader("content-security-policy", contentSecurityPolicy({ nonce, dev: false }));
        scripts = `<script nonce="${nonce}">${req.url.includes("crlf") ? "a()\r\nb()" : BOOT_SCRIPT}</script><script src="/_next/static/x.js" nonce="${nonce}"></script>`;
      }
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(`<p>${viewer.name} (${viewer.role})</p>${html}${scripts}`);
    },
    log: logger,
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await closeGracefully(server, 1000);
  await other.sql.end();
  await fresh.drop();
});

beforeEach(() => clearResponseCache());

/** A GET as `viewer` through node:http, not fetch (which would undo the gzip itself), waiting for the answer to be kept. */
async function getRaw(path: string, viewer: Viewer, acceptEncoding = "gzip, br") {
  const got = await new Promise<{ cache?: string; encoding?: string; vary?: string; body: Buffer }>((resolve, reject) =>
    http
      .get(`${base}${path}`, { headers: { cookie: cookies.get(viewer.id)!, "accept-encoding": acceptEncoding } }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({ cache: res.headers["x-reel-cache"] as string | undefined, encoding: res.headers["content-encoding"], vary: res.headers.vary, body: Buffer.concat(chunks) }),
        );
      })
      .on("error", reject),
  );
  await new Promise((r) => setTimeout(r, 20));
  return got;
}

/** A GET as `viewer`, waiting for the answer to be kept (it is stored after it is sent). */
async function get(path: string, viewer: Viewer | null, headers: Record<string, string> = {}) {
  const res = await fetch(base + path, { headers: { ...(viewer ? { cookie: cookies.get(viewer.id)! } : {}), ...headers }, redirect: "manual" });
  const body = Buffer.from(await res.arrayBuffer());
  await new Promise((r) => setTimeout(r, 20));
  return { status: res.status, cache: res.headers.get("x-reel-cache"), headers: res.headers, text: body.toString(), body };
}

const version = async (userId: string) => (await cacheVersions(userId)).version;

describe("version counters (triggers)", () => {
  it("move the catalog on what lists show, not on transcoding progress", async () => {
    const id = await createVideo(alice, { title: "Counter test" });
    const before = await version(alice.id);
    await other.db.update(videos).set({ progress: { step: "ladder", percent: 40 } as never }).where(eq(videos.id, id));
    expect(await version(alice.id)).toBe(before);
    await other.db.update(videos).set({ title: "Counter test, renamed" }).where(eq(videos.id, id));
    const afterTitle = await version(alice.id);
    expect(afterTitle).not.toBe(before);
    await other.db.insert(settings).values({ key: "guestAccess", value: true }).onConflictDoUpdate({ target: settings.key, set: { value: true } });
    expect(await version(alice.id)).not.toBe(afterTitle);
    await other.db.delete(settings).where(eq(settings.key, "guestAccess"));
  });

  it("move the counters' version, not the catalog's, on view and rating counts", async () => {
    const id = await createVideo(alice, { title: "Counted" });
    const before = await cacheVersions(alice.id);
    await other.db.update(videos).set({ viewCount: 7 }).where(eq(videos.id, id));
    const viewed = await cacheVersions(alice.id);
    expect(viewed.version).toBe(before.version);
    expect(viewed.counters).not.toBe(before.counters);
    await other.db.update(videos).set({ ratingSum: 5, ratingCount: 1 }).where(eq(videos.id, id));
    const rated = await cacheVersions(alice.id);
    expect(rated.version).toBe(before.version);
    expect(rated.counters).not.toBe(viewed.counters);
  });

  it("move the additions' version, not the catalog's, on a new video and on one processing made playable or ready", async () => {
    const before = await cacheVersions(alice.id);
    const id = await createVideo(alice, { title: "Fresh upload", status: "processing" });
    const inserted = await cacheVersions(alice.id);
    expect(inserted.version).toBe(before.version);
    expect(inserted.additions).not.toBe(before.additions);
    await other.db.update(videos).set({ status: "ready", readyAt: new Date(), duration: 42, outputs: { poster: [320] } as never }).where(eq(videos.id, id));
    const ready = await cacheVersions(alice.id);
    expect(ready.version).toBe(before.version);
    expect(ready.additions).not.toBe(inserted.additions);
  });

  it("move the catalog's version on what takes from lists or changes them: made private, deleted, back to processing, edited with the promotion", async () => {
    const id = await createVideo(alice, { title: "Taken away", status: "playable" });
    const changes = [
      { status: "processing" as const },
      { status: "ready" as const, title: "Taken away, renamed" },
      { visibility: "private" as const },
    ];
    for (const change of changes) {
      const before = await cacheVersions(alice.id);
      await other.db.update(videos).set(change).where(eq(videos.id, id));
      const after = await cacheVersions(alice.id);
      expect(after.version, JSON.stringify(change)).not.toBe(before.version);
      expect(after.additions, JSON.stringify(change)).toBe(before.additions);
    }
    const before = await version(alice.id);
    await other.db.delete(videos).where(eq(videos.id, id));
    expect(await version(alice.id)).not.toBe(before);
  });

  it("move a user's own version on their favourites and progress only", async () => {
    const id = await createVideo(alice, { title: "Personal counter" });
    const [a, b] = [await version(alice.id), await version(bob.id)];
    await other.db.insert(favorites).values({ userId: alice.id, videoId: id });
    expect(await version(alice.id)).not.toBe(a);
    expect(await version(bob.id)).toBe(b);
    const a2 = await version(alice.id);
    await setProgress(alice, id, 30);
    expect(await version(alice.id)).not.toBe(a2);
  });
});

describe("stale counters", () => {
  const made = { version: "4.2", additions: "7", counters: "100", at: 1_000_000 };

  it("lets a kept answer lag the view and rating counts for COUNTERS_STALE_MS, never the catalog or the viewer", () => {
    expect(servable(made, { ...made, counters: "130", at: made.at + COUNTERS_STALE_MS - 1 })).toBe(true);
    expect(servable(made, { ...made, counters: "130", at: made.at + COUNTERS_STALE_MS })).toBe(false);
    expect(servable(made, { ...made, at: made.at + COUNTERS_STALE_MS * 5 })).toBe(true);
    expect(servable(made, { ...made, version: "5.2", at: made.at })).toBe(false);
    expect(servable(made, { ...made, version: "4.3", at: made.at })).toBe(false);
    expect(servable(made, { ...made, additions: "8", at: made.at })).toBe(false);
  });

  it("lets an answer that is not servable be sent while it is replaced only when it lacks additions and counts", () => {
    expect(laggable(made, { ...made, additions: "8", at: made.at + 1 })).toBe(true);
    expect(laggable(made, { ...made, counters: "130", at: made.at + COUNTERS_STALE_MS })).toBe(true);
    expect(laggable(made, { ...made, version: "5.2", additions: "8", at: made.at + 1 })).toBe(false);
    expect(laggable(made, { ...made, version: "4.3", at: made.at + 1 })).toBe(false);
    expect(laggable({ ...made, maxAgeMs: 5000 }, { ...made, counters: "130", at: made.at + 5000 })).toBe(true);
    expect(laggable({ ...made, maxAgeMs: 5000 }, { ...made, version: "4.3", at: made.at + 5000 })).toBe(false);
  });

  it("serves an answer with a max age of its own (statistics) only while it is younger", () => {
    const stats = { ...made, maxAgeMs: 5000 };
    expect(servable(stats, { ...made, at: made.at + 4999 })).toBe(true);
    expect(servable(stats, { ...made, at: made.at + 5000 })).toBe(false);
    expect(servable(stats, { ...made, version: "5.2", at: made.at + 1 })).toBe(false);
  });

  it("keep a page through views and ratings, and not through an edit", async () => {
    const id = await createVideo(null, { title: "Busy river" });
    expect((await get("/videos?counted", alice)).text).toContain("Busy river");
    await other.db.update(videos).set({ viewCount: 1234, ratingSum: 9, ratingCount: 2 }).where(eq(videos.id, id));
    expect((await get("/videos?counted", alice)).cache).toBe("hit");
    await other.db.update(videos).set({ title: "Busy river, edited" }).where(eq(videos.id, id));
    const edited = await get("/videos?counted", alice);
    expect(edited.cache).toBe("miss");
    expect(edited.text).toContain("Busy river, edited");
  });
});

describe("while people watch (Reel's own writes)", () => {
  afterEach(() => vi.useRealTimers());

  it("keeps a page through counted views and ratings by others", async () => {
    const id = await createVideo(null, { title: "Watched canyon" });
    const first = await get("/videos?watched", alice);
    expect(first.text).toContain("Watched canyon · 0 views");
    const rendered = renders;
    expect((await recordView(bob, id, 30)).counted).toBe(true);
    await rateVideo(bob, id, 4);
    const again = await get("/videos?watched", alice);
    expect(again.cache).toBe("hit");
    expect(again.text).toBe(first.text);
    expect(renders).toBe(rendered);
  });

  it("shows counts at most COUNTERS_STALE_MS older than the database's", async () => {
    const id = await createVideo(null, { title: "Counted glacier" });
    // Only Date is faked (the age of an entry is read from it): timers, sockets and the database run as usual.
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() });
    const start = Date.now();
    expect((await get("/videos?bound", alice)).text).toContain("Counted glacier · 0 views");
    await recordView(bob, id, 30);
    vi.setSystemTime(start + COUNTERS_STALE_MS - 1);
    const lagging = await get("/videos?bound", alice);
    expect(lagging.cache).toBe("hit");
    expect(lagging.text).toContain("Counted glacier · 0 views");
    vi.setSystemTime(start + COUNTERS_STALE_MS);
    const current = await get("/videos?bound", alice);
    expect(current.cache).toBe("miss");
    expect(current.text).toContain("Counted glacier · 1 views");
  });

  it("drops a video made private from every kept list at once, though counts moved since", async () => {
    const id = await createVideo(bob, { title: "Secret lagoon", tags: ["lagoon"] });
    const paths = ["/videos?private", "/", "/tags/lagoon", "/api/videos?q=lagoon&limit=5"];
    for (const path of paths) expect((await get(path, alice)).text, path).toContain("Secret lagoon");
    for (const path of paths) expect((await get(path, alice)).cache, path).toBe("hit");
    await recordView(alice, id, 30);
    await updateDetails(id, { visibility: "private" });
    for (const path of paths) {
      const after = await get(path, alice);
      expect(after.cache, path).not.toBe("hit");
      expect(after.text, path).not.toContain("Secret lagoon");
    }
  });
});

describe("concurrent misses", () => {
  /**
   * Two requests for one key at `scope`, the second arriving while the first makes the answer ("made now"), after
   * `kept` (if any) was stored under the key: what each got, and how many times the answer was made.
   */
  async function twoAtOnce(key: string, scope: Made, kept?: Made) {
    if (kept) await store(key, kept, 200, { "content-type": "text/plain" }, Buffer.from("made before"));
    let makes = 0;
    let entered = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let bothIn!: () => void;
    const arrived = new Promise<void>((resolve) => (bothIn = resolve));
    const once = http.createServer(async (req, res) => {
      if (++entered === 2) bothIn();
      if (await sendCachedOrWait(req, res, key, scope)) return;
      const made = making(key, scope, res);
      makes++;
      // The first one holds its answer until the second request has arrived and found it being made.
      if (entered < 2) await arrived;
      await gate;
      await store(key, scope, 200, { "content-type": "text/plain" }, Buffer.from("made now"));
      res.writeHead(200, { "content-type": "text/plain" }).end("made now");
      made();
    });
    await new Promise<void>((resolve) => once.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(once.address() as AddressInfo).port}/`;
    const ask = () => fetch(url).then(async (r) => [r.headers.get("x-reel-cache"), await r.text()]);
    try {
      const first = ask();
      await new Promise((resolve) => setTimeout(resolve, 20));
      const second = ask();
      await arrived;
      // The second may be answered before the first is let go (a kept copy), or only after it (a wait).
      const early = await Promise.race([second, new Promise((resolve) => setTimeout(() => resolve("waiting"), 100))]);
      release();
      const made = await first;
      return { first: made, second: await second, early, after: await ask(), makes };
    } finally {
      once.closeAllConnections();
      await new Promise((resolve) => once.close(resolve));
    }
  }

  it("make an answer once: a request arriving while it is made waits for it", async () => {
    const got = await twoAtOnce("flight", { version: "1.1", additions: "1", counters: "1", at: Date.now() });
    expect(got.first).toEqual([null, "made now"]);
    expect(got.early).toBe("waiting");
    expect(got.second).toEqual(["hit", "made now"]);
    expect(got.makes).toBe(1);
  });

  it("send the copy being replaced to a request that arrives while the new one is made, if it lacks only additions", async () => {
    const at = Date.now();
    const got = await twoAtOnce("replaced", { version: "1.1", additions: "2", counters: "1", at }, { version: "1.1", additions: "1", counters: "1", at });
    expect(got.first).toEqual([null, "made now"]);
    expect(got.second).toEqual(["stale", "made before"]);
    expect(got.early).toEqual(got.second);
    expect(got.after).toEqual(["hit", "made now"]);
    expect(got.makes).toBe(1);
  });

  it.each([
    ["the viewer's own change", "1.2"],
    ["a change of the catalog's version (a video made private)", "2.1"],
  ])("never send a copy made before %s: those requests wait for the new one", async (change, version) => {
    const at = Date.now();
    const got = await twoAtOnce(change, { version, additions: "1", counters: "1", at }, { version: "1.1", additions: "1", counters: "1", at });
    expect(got.early).toBe("waiting");
    expect(got.second).toEqual(["hit", "made now"]);
    expect(got.makes).toBe(1);
  });
});

describe("cached pages", () => {
  it("renders once, then serves the same bytes, gzipped to clients that accept it", async () => {
    const first = await get("/videos", alice);
    expect(first.status).toBe(200);
    expect(first.cache).toBe("miss");
    expect(first.text).toContain("Harbor at dawn");
    const rendered = renders;
    const second = await get("/videos", alice);
    expect(second.cache).toBe("hit");
    expect(second.text).toBe(first.text);
    expect(second.headers.get("content-type")).toBe("text/html; charset=utf-8");
    // The miss went out gzipped (fetch takes gzip), and that copy was kept with the page.
    const raw = await getRaw("/videos", alice);
    expect(raw.cache).toBe("hit");
    expect(raw.encoding).toBe("gzip");
    expect(gunzipSync(raw.body).toString()).toBe(first.text);
    expect(renders).toBe(rendered);
  });

  it("sends a miss gzipped to clients that take it, and as it was written to those that do not", async () => {
    const zipped = await getRaw("/videos?fresh", alice);
    expect([zipped.cache, zipped.encoding]).toEqual(["miss", "gzip"]);
    expect(zipped.vary?.toLowerCase()).toContain("accept-encoding");
    const page = gunzipSync(zipped.body).toString();
    expect(page).toContain("Harbor at dawn");
    const plain = await getRaw("/videos?fresher", alice, "identity");
    expect([plain.cache, plain.encoding]).toEqual(["miss", undefined]);
    expect(plain.body.toString()).toBe(page);
    // Kept without a compressed copy (the client did not take one): made for the next client that does.
    await new Promise((r) => setTimeout(r, 50));
    const hit = await getRaw("/videos?fresher", alice);
    expect([hit.cache, hit.encoding]).toEqual(["hit", "gzip"]);
    expect(gunzipSync(hit.body).toString()).toBe(page);
  });

  it("streams a gzipped miss part by part where the page flushes", async () => {
    const gunzip = zlib.createGunzip();
    const parts: string[] = [];
    await new Promise<void>((resolve, reject) => {
      http
        .get(`${base}/videos?stream`, { headers: { cookie: cookies.get(alice.id)!, "accept-encoding": "gzip" } }, (res) => {
          expect(res.headers["content-encoding"]).toBe("gzip");
          res.pipe(gunzip);
          // The page's second part is written only once the first has reached the browser.
          gunzip.on("data", (chunk: Buffer) => {
            parts.push(chunk.toString());
            if (parts.length === 1) releaseStream();
          });
          gunzip.on("end", resolve);
        })
        .on("error", reject);
    });
    expect(parts.join("")).toBe("<p>first</p><p>second</p>");
    expect((await get("/videos?stream", alice)).text).toBe("<p>first</p><p>second</p>");
  });

  it("shows a change written by another process at once, and ignores changes lists do not show", async () => {
    const id = await createVideo(null, { title: "Quiet meadow" });
    expect((await get("/videos", alice)).text).toContain("Quiet meadow");
    await other.db.update(videos).set({ progress: { step: "poster", percent: 10 } as never }).where(eq(videos.id, id));
    expect((await get("/videos", alice)).cache).toBe("hit");
    await other.db.update(videos).set({ title: "Loud meadow" }).where(eq(videos.id, id));
    const after = await get("/videos", alice);
    expect(after.cache).toBe("miss");
    expect(after.text).toContain("Loud meadow");
    await other.db.update(videos).set({ visibility: "private" }).where(eq(videos.id, id));
    expect((await get("/videos", alice)).text).not.toContain("Loud meadow");
  });

  it("keeps each viewer's pages apart, and a favourite renews only its owner's", async () => {
    const id = await createVideo(null, { title: "Shared sunset" });
    const mine = await get("/videos", alice);
    const theirs = await get("/videos", bob);
    expect(mine.text).toContain(alice.name);
    expect(theirs.text).toContain(bob.name);
    await other.db.insert(favorites).values({ userId: alice.id, videoId: id });
    const again = await get("/videos", alice);
    expect(again.cache).toBe("miss");
    expect(again.text).toContain("Shared sunset ♥");
    const bobs = await get("/videos", bob);
    expect(bobs.cache).toBe("hit");
    expect(bobs.text).not.toContain("♥");
  });

  it("never serves a page to a disabled account or to a changed role", async () => {
    const carol = await createViewer();
    await cookieFor(carol);
    expect((await get("/videos", carol)).status).toBe(200);
    await other.db.update(users).set({ role: "admin" }).where(eq(users.id, carol.id));
    const promoted = await get("/videos", carol);
    expect(promoted.cache).toBe("miss");
    expect(promoted.text).toContain("(admin)");
    await other.db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, carol.id));
    const disabled = await get("/videos", carol);
    expect(disabled.status).toBe(307);
    expect(disabled.text).not.toContain(carol.name);
  });

  it("leaves router requests, other methods and answers that set cookies to Next every time", async () => {
    for (const [path, headers] of [
      ["/videos", { rsc: "1" }],
      ["/videos?_rsc=abc", {}],
      ["/videos?cookie=1", {}],
    ] as const) {
      const before = renders;
      await get(path, alice, headers);
      await get(path, alice, headers);
      expect(renders - before, path).toBe(2);
    }
    const before = renders;
    await fetch(`${base}/videos`, { method: "HEAD", headers: { cookie: cookies.get(alice.id)! } });
    expect(renders).toBe(before + 1);
  });
});

describe("statistics pages past their max age", () => {
  afterEach(() => vi.useRealTimers());

  /** Waits until the fallback has rendered `count` times (a background refresh ends after its answer is kept). */
  async function rendered(count: number) {
    for (let i = 0; i < 100 && renders < count; i++) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 20));
    expect(renders).toBe(count);
  }

  it("are sent stale while one render in the background replaces them", async () => {
    const admin = await createViewer("admin");
    await cookieFor(admin);
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() });
    const first = await get("/admin/quality?range=7d", admin);
    expect(first.cache).toBe("miss");
    expect((await get("/admin/quality?range=7d", admin)).cache).toBe("hit");
    const before = renders;
    vi.setSystemTime(Date.now() + STATS_PAGE_CACHE_MS);
    const crowd = await Promise.all([1, 2, 3].map(() => get("/admin/quality?range=7d", admin)));
    // Each is sent the kept copy, or the new one when the refresh was quicker: none waits for a render of its own.
    expect(crowd.filter((got) => got.cache === "stale").map((got) => got.text)).toContain(first.text);
    for (const got of crowd) expect(got.cache === "stale" ? got.text : got.cache).toBe(got.cache === "stale" ? first.text : "hit");
    await rendered(before + 1);
    const after = await get("/admin/quality?range=7d", admin);
    expect(after.cache).toBe("hit");
    expect(after.text).toContain(`render ${before + 1}`);
    expect(renders).toBe(before + 1);
  });

  it("are sent stale, not held, while their own refresh is rendering", async () => {
    const admin = await createViewer("admin");
    await cookieFor(admin);
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() });
    const first = await get("/admin/quality?range=held", admin);
    const before = renders;
    vi.setSystemTime(Date.now() + STATS_PAGE_CACHE_MS);
    let release!: () => void;
    hold = new Promise<void>((resolve) => (release = resolve));
    // A request that waited for the render after all would get the new page once the render is let go.
    const letGo = setTimeout(release, 5000);
    try {
      expect((await get("/admin/quality?range=held", admin)).cache).toBe("stale");
      for (let i = 0; i < 100 && renders === before; i++) await new Promise((r) => setTimeout(r, 10));
      expect(renders).toBe(before + 1);
      const during = await get("/admin/quality?range=held", admin);
      expect([during.cache, during.text]).toEqual(["stale", first.text]);
    } finally {
      clearTimeout(letGo);
      release();
      hold = null;
    }
    await rendered(before + 1);
    expect((await get("/admin/quality?range=held", admin)).cache).toBe("hit");
  });

  it("are rendered one at a time: viewers' first visits at once wait their turn", async () => {
    const admins = await Promise.all([1, 2, 3].map(() => createViewer("admin")));
    await Promise.all(admins.map(cookieFor));
    const before = renders;
    statsRenderingAtOnce = 0;
    let release!: () => void;
    hold = new Promise<void>((resolve) => (release = resolve));
    try {
      const first = get("/admin/quality?range=held-turns", admins[0]);
      for (let i = 0; i < 100 && renders === before; i++) await new Promise((r) => setTimeout(r, 10));
      const others = admins.slice(1).map((admin) => get("/admin/quality?range=held-turns", admin));
      // Rendered at once, the others would enter the page while the first is held: give them the time to.
      for (let i = 0; i < 50 && renders < before + 3; i++) await new Promise((r) => setTimeout(r, 10));
      release();
      const got = await Promise.all([first, ...others]);
      expect(got.map((page) => page.cache)).toEqual(["miss", "miss", "miss"]);
      got.forEach((page, i) => expect(page.text).toContain(admins[i].name));
    } finally {
      release();
      hold = null;
    }
    expect(renders).toBe(before + 3);
    expect(statsRenderingAtOnce).toBe(1);
  });

  it("are refreshed one at a time: a stale page of another viewer meanwhile waits for the next request", async () => {
    const [ann, ben] = await Promise.all([createViewer("admin"), createViewer("admin")]);
    await Promise.all([cookieFor(ann), cookieFor(ben)]);
    const url = "/admin/quality?range=held-one-at-a-time";
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() });
    await Promise.all([get(url, ann), get(url, ben)]);
    const before = renders;
    vi.setSystemTime(Date.now() + STATS_PAGE_CACHE_MS);
    // Ann's refresh is held while Ben's stale copy is asked for, so that it is still under way then.
    let release!: () => void;
    hold = new Promise<void>((resolve) => (release = resolve));
    const letGo = setTimeout(release, 5000);
    try {
      expect((await get(url, ann)).cache).toBe("stale");
      for (let i = 0; i < 100 && renders === before; i++) await new Promise((r) => setTimeout(r, 10));
      expect(renders).toBe(before + 1);
      expect((await get(url, ben)).cache).toBe("stale");
    } finally {
      clearTimeout(letGo);
      release();
      hold = null;
    }
    // Ann's new copy is kept; Ben's request started no render of its own.
    await expect.poll(async () => (await get(url, ann)).cache).toBe("hit");
    expect(renders).toBe(before + 1);
    // His next request starts it.
    expect((await get(url, ben)).cache).toBe("stale");
    await expect.poll(async () => (await get(url, ben)).cache).toBe("hit");
    expect(renders).toBe(before + 2);
  });

  it("never reach anyone else: a member still gets 403, a changed role or a disabled account a render of their own", async () => {
    const [admin, member] = await Promise.all([createViewer("admin"), createViewer()]);
    await Promise.all([cookieFor(admin), cookieFor(member)]);
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() });
    const kept = await get("/admin/audience", admin);
    vi.setSystemTime(Date.now() + STATS_PAGE_CACHE_MS);
    expect((await get("/admin/audience", admin)).cache).toBe("stale");
    const refused = await get("/admin/audience", member);
    expect(refused.status).toBe(403);
    expect(refused.text).not.toContain(admin.name);
    vi.setSystemTime(Date.now() + STATS_PAGE_CACHE_MS);
    await other.db.update(users).set({ role: "member" }).where(eq(users.id, admin.id));
    const demoted = await get("/admin/audience", admin);
    expect([demoted.status, demoted.cache]).toEqual([403, "miss"]);
    await other.db.update(users).set({ role: "admin", disabledAt: new Date() }).where(eq(users.id, admin.id));
    const disabled = await get("/admin/audience", admin);
    expect(disabled.status).toBe(307);
    expect(disabled.text).not.toBe(kept.text);
  });

  it("are not sent stale after a change of the viewer's own or of the catalog's version: the request waits for a render", async () => {
    const admin = await createViewer("admin");
    await cookieFor(admin);
    const id = await createVideo(null, { title: "Counted river" });
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() });
    await get("/admin/audience?range=7d", admin);
    vi.setSystemTime(Date.now() + STATS_PAGE_CACHE_MS);
    await other.db.insert(favorites).values({ userId: admin.id, videoId: id });
    expect((await get("/admin/audience?range=7d", admin)).cache).toBe("miss");
    vi.setSystemTime(Date.now() + STATS_PAGE_CACHE_MS);
    await other.db.update(videos).set({ visibility: "private" }).where(eq(videos.id, id));
    expect((await get("/admin/audience?range=7d", admin)).cache).toBe("miss");
  });

  it("are not refreshed past the cache by a client's own refresh mark", async () => {
    const admin = await createViewer("admin");
    await cookieFor(admin);
    await get("/admin/quality?range=30d", admin);
    const before = renders;
    const forged = await get("/admin/quality?range=30d", admin, { "x-reel-refresh": "00".repeat(32) });
    expect(forged.cache).toBe("hit");
    expect(renders).toBe(before);
    const req = { headers: { "x-reel-refresh": "00".repeat(32) } } as unknown as http.IncomingMessage;
    expect(takeRefreshMark(req)).toBe(false);
    expect(req.headers["x-reel-refresh"]).toBeUndefined();
  });
});

describe("cached pages under a Content-Security-Policy", () => {
  it("are served again with their inline scripts allowed by hash, never with the nonce of the render they came from", async () => {
    const first = await get("/videos?csp", alice);
    expect(first.cache).toBe("miss");
    const nonce = scriptNonce(first.headers.get("content-security-policy"));
    expect(first.text).toContain(`<script nonce="${nonce}">`);
    const rendered = renders;
    const second = await get("/videos?csp", alice);
    expect(second.cache).toBe("hit");
    expect(renders).toBe(rendered);
    expect(second.text).toBe(first.text);
    const policy = second.headers.get("content-security-policy")!;
    const hash = `'sha256-${createHash("sha256").update(BOOT_SCRIPT).digest("base64")}'`;
    expect(policy).toContain(`script-src 'self' ${hash};`);
    expect(policy).not.toContain("nonce");
    expect(policy.replace(` ${hash}`, "")).toBe(first.headers.get("content-security-policy")!.replace(` 'nonce-${nonce}'`, ""));
  });

  it("are not kept when their scripts cannot be hashed as the browser would", async () => {
    const before = renders;
    const first = await get("/videos?csp&crlf", alice);
    const second = await get("/videos?csp&crlf", alice);
    expect([first.cache, second.cache]).toEqual(["miss", "miss"]);
    expect(renders - before).toBe(2);
    expect(scriptNonce(second.headers.get("content-security-policy"))).not.toBe(scriptNonce(first.headers.get("content-security-policy")));
  });
});

describe("cached list API", () => {
  it("serves a repeated search from the cache until the catalog changes", async () => {
    const id = await createVideo(null, { title: "Volcano timelapse" });
    const path = "/api/videos?q=volcan&limit=5";
    const first = await get(path, alice);
    expect(first.cache).toBeNull();
    expect(JSON.parse(first.text).items.map((v: { id: string }) => v.id)).toEqual([id]);
    const second = await get(path, alice);
    expect(second.cache).toBe("hit");
    expect(second.headers.get("cache-control")).toBe("private, no-store");
    expect(second.text).toBe(first.text);
    await other.db.update(videos).set({ title: "Glacier timelapse" }).where(eq(videos.id, id));
    expect(JSON.parse((await get(path, alice)).text).items).toEqual([]);
  });

  it("answers at once with the list it has after an upload finishes, and makes the new one in the background", async () => {
    const id = await createVideo(null, { title: "Zanzibar sunrise", status: "processing" });
    const path = "/api/videos?q=zanzibar&limit=5";
    expect(JSON.parse((await get(path, alice)).text).items).toEqual([]);
    expect((await get(path, alice)).cache).toBe("hit");
    await other.db.update(videos).set({ status: "ready", readyAt: new Date() }).where(eq(videos.id, id));
    const lagging = await get(path, alice);
    expect(lagging.cache).toBe("stale");
    expect(JSON.parse(lagging.text).items).toEqual([]);
    let after = await get(path, alice);
    for (let tries = 0; after.cache !== "hit" && tries < 50; tries++) after = await get(path, alice);
    expect(after.cache).toBe("hit");
    expect(JSON.parse(after.text).items.map((v: { id: string }) => v.id)).toEqual([id]);
  });

  it("never answers with a list made before a video in it was made private or deleted", async () => {
    const [hidden, deleted] = [await createVideo(null, { title: "Hidden fjord" }), await createVideo(null, { title: "Deleted fjord" })];
    const path = "/api/videos?q=fjord&limit=5";
    expect(JSON.parse((await get(path, alice)).text).items).toHaveLength(2);
    await other.db.update(videos).set({ visibility: "private" }).where(eq(videos.id, hidden));
    const [a, b] = await Promise.all([get(path, alice), get(path, alice)]);
    for (const got of [a, b]) expect(got.text).not.toContain("Hidden fjord");
    await other.db.delete(videos).where(eq(videos.id, deleted));
    const [c, d] = await Promise.all([get(path, alice), get(path, alice)]);
    for (const got of [c, d]) {
      expect(got.cache).not.toBe("stale");
      expect(JSON.parse(got.text).items).toEqual([]);
    }
  });

  it("sends a list made now gzipped to clients that take it", async () => {
    const raw = await getRaw("/api/videos?q=harbor&limit=5", alice);
    expect([raw.cache, raw.encoding]).toEqual([undefined, "gzip"]);
    expect(JSON.parse(gunzipSync(raw.body).toString()).items[0].title).toBe("Harbor at dawn");
  });

  it("follows the own version of an API token's owner, whom no session cookie names", async () => {
    const id = await createVideo(null, { title: "Token lighthouse" });
    const auth = { authorization: `Bearer ${(await createApiToken(alice.id, "cache")).token}` };
    const path = "/api/videos?q=lighthouse&limit=5";
    expect((await get(path, null, auth)).cache).toBeNull();
    expect((await get(path, null, auth)).cache).toBe("hit");
    await other.db.insert(favorites).values({ userId: alice.id, videoId: id });
    const after = await get(path, null, auth);
    expect(after.cache).toBeNull();
    expect(JSON.parse(after.text).items[0].me.favorite).toBe(true);
  });

  it("does not keep errors", async () => {
    expect((await get("/api/videos?sort=nope", alice)).status).toBe(400);
    expect((await get("/api/videos?sort=nope", alice)).cache).toBeNull();
    expect((await get("/api/videos", null)).status).toBe(401);
    expect((await get("/api/videos", null)).cache).toBeNull();
  });
});
