import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Viewer } from "@/lib/auth/viewer";
import { closeDb, db } from "@/lib/db/client";
import { verifyToken } from "@/lib/media/signing";
import { setSetting } from "@/lib/settings";
import { createVideo, createViewer, setProgress } from "@/test/library-data";
import {
  addFavorite,
  clearHistory,
  continueWatching,
  listCatalog,
  listFavorites,
  listHistory,
  popularTags,
  invalidateTagCache,
  randomVideoId,
  rateVideo,
  recordView,
  removeFavorite,
  removeFromHistory,
  tagRows,
  type CatalogQuery,
  type LibraryVideo,
} from "./queries";
import { ensureMayBrowse } from "./access";
import type { CatalogSort } from "./format";
import { encodeCursor } from "./rules";

/**
 * Every test works inside its own tag (other test files share the database), so lists are filtered by
 * that tag and contain only this test's rows.
 */
const newTag = () => `t${randomBytes(4).toString("hex")}`;

async function all(viewer: Viewer | null, query: CatalogQuery): Promise<LibraryVideo[]> {
  const out: LibraryVideo[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 100; i++) {
    const page = await listCatalog(viewer, { ...query, cursor });
    out.push(...page.items);
    if (!page.nextCursor) return out;
    cursor = page.nextCursor;
  }
  throw new Error("pagination did not end");
}

const ids = (videos: LibraryVideo[]) => videos.map((v) => v.id);

let admin: Viewer;
let alice: Viewer;
let bob: Viewer;

beforeAll(async () => {
  admin = await createViewer("admin");
  alice = await createViewer("member");
  bob = await createViewer("member");
});

afterAll(async () => {
  await setSetting("guestAccess", false);
  await closeDb();
});

describe("catalog sorts and pagination", () => {
  it("orders by every sort and pages through without duplicates or gaps", async () => {
    const tag = newTag();
    const base = Date.parse("2026-01-01T00:00:00Z");
    const made: { id: string; title: string; createdAt: Date; duration: number; views: number; sum: number; count: number }[] = [];
    for (let i = 0; i < 23; i++) {
      const v = {
        title: `${["Delta", "alpha", "Charlie", "bravo", "Echo"][i % 5]} ${String(i).padStart(2, "0")}`,
        // Three rows share a timestamp, and durations/views repeat, so the id tie-breaker is exercised.
        createdAt: new Date(base + Math.floor(i / 3) * 60_000),
        duration: (i % 4) * 100,
        views: i % 6,
        sum: (i % 5) * 2,
        count: i % 5 === 0 ? 0 : 2,
      };
      const id = await createVideo(bob, {
        title: v.title,
        tags: [tag],
        createdAt: v.createdAt,
        duration: v.duration,
        viewCount: v.views,
        ratingSum: v.sum,
        ratingCount: v.count,
      });
      made.push({ id, ...v });
    }
    const byId = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    const avg = (m: (typeof made)[number]) => (m.count ? m.sum / m.count : 0);
    const expected: Record<Exclude<CatalogSort, "watched" | "relevance">, string[]> = {
      newest: [...made].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || byId(b.id, a.id)).map((m) => m.id),
      oldest: [...made].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || byId(a.id, b.id)).map((m) => m.id),
      title: [...made]
        .sort((a, b) => a.title.toLowerCase().localeCompare(b.title.toLowerCase(), "en") || byId(a.id, b.id))
        .map((m) => m.id),
      duration: [...made].sort((a, b) => b.duration - a.duration || byId(b.id, a.id)).map((m) => m.id),
      views: [...made].sort((a, b) => b.views - a.views || byId(b.id, a.id)).map((m) => m.id),
      rating: [...made].sort((a, b) => avg(b) - avg(a) || b.count - a.count || byId(b.id, a.id)).map((m) => m.id),
    };
    for (const [sort, order] of Object.entries(expected)) {
      const got = await all(alice, { tags: [tag], sort: sort as CatalogSort, limit: 4 });
      expect(ids(got), sort).toEqual(order);
    }
  });

  it("sorts by the viewer's recently watched videos only", async () => {
    const tag = newTag();
    const a = await createVideo(bob, { title: "Watched long ago", tags: [tag] });
    const b = await createVideo(bob, { title: "Watched just now", tags: [tag] });
    await createVideo(bob, { title: "Never watched", tags: [tag] });
    await setProgress(alice, a, 30, { updatedAt: new Date(Date.now() - 86_400_000) });
    await setProgress(alice, b, 30);
    expect(ids(await all(alice, { tags: [tag], sort: "watched", limit: 1 }))).toEqual([b, a]);
    expect(await all(bob, { tags: [tag], sort: "watched" })).toEqual([]);
  });

  it("rejects a cursor from another sort or a forged one", async () => {
    const tag = newTag();
    for (let i = 0; i < 3; i++) await createVideo(bob, { tags: [tag] });
    const page = await listCatalog(alice, { tags: [tag], sort: "newest", limit: 1 });
    expect(page.nextCursor).toBeTruthy();
    await expect(listCatalog(alice, { tags: [tag], sort: "title", cursor: page.nextCursor! })).rejects.toMatchObject({ status: 400 });
    await expect(listCatalog(alice, { tags: [tag], cursor: "bm90IGpzb24" })).rejects.toMatchObject({ status: 400 });
    // Right sort, forged keys: refused before they reach a cast in the database.
    const forged = encodeCursor({ s: "newest", k: ["yesterday'); drop table videos; --", "x"] });
    await expect(listCatalog(alice, { tags: [tag], cursor: forged })).rejects.toMatchObject({ status: 400 });
    await expect(listHistory(alice, encodeCursor({ s: "watched", k: ["2026-01-01 00:00:00+00", "nope"] }))).rejects.toMatchObject({ status: 400 });
  });
});

describe("tag filters", () => {
  it("returns videos carrying all of the requested tags", async () => {
    const [t1, t2] = [newTag(), newTag()];
    const both = await createVideo(bob, { tags: [t1, t2] });
    const one = await createVideo(bob, { tags: [t1] });
    await createVideo(bob, { tags: [t2] });
    expect(ids(await all(alice, { tags: [t1, t2] }))).toEqual([both]);
    expect(new Set(ids(await all(alice, { tags: [t1] })))).toEqual(new Set([both, one]));
  });

  it("builds home rows per tag and counts popular tags of public videos only", async () => {
    const [t1, t2] = [newTag(), newTag()];
    const x = await createVideo(bob, { tags: [t1] });
    const y = await createVideo(bob, { tags: [t1, t2] });
    await createVideo(bob, { tags: [t2], visibility: "private" });
    invalidateTagCache();
    const tags = await popularTags(200);
    expect(tags.find((t) => t.tag === t1)?.count).toBe(2);
    expect(tags.find((t) => t.tag === t2)?.count).toBe(1);
    const rows = await tagRows(alice, [t2, t1, newTag()]);
    expect(rows.map((r) => r.tag)).toEqual([t2, t1]);
    expect(ids(rows[0].videos)).toEqual([y]);
    expect(new Set(ids(rows[1].videos))).toEqual(new Set([x, y]));
  });
});

describe("search", () => {
  it("ranks title matches above tag and description matches, with prefix matching", async () => {
    const tag = newTag();
    const inTitle = await createVideo(bob, { title: "Mountain biking in the Alps", tags: [tag] });
    const inTags = await createVideo(bob, { title: "Weekend trip", tags: [tag, "mountains"] });
    const inDescription = await createVideo(bob, { title: "Cooking pasta", description: "Filmed in a mountain hut.", tags: [tag] });
    await createVideo(bob, { title: "Unrelated", tags: [tag] });
    const got = await all(alice, { tags: [tag], q: "mount" });
    expect(ids(got)).toEqual([inTitle, inTags, inDescription]);
    expect(ids(await all(alice, { tags: [tag], q: "mountain alps" }))).toEqual([inTitle]);
  });

  it("tolerates typos in titles", async () => {
    const tag = newTag();
    const bunny = await createVideo(bob, { title: "Big Buck Bunny", tags: [tag] });
    await createVideo(bob, { title: "Tears of Steel", tags: [tag] });
    expect(ids(await all(alice, { tags: [tag], q: "bunyn" }))).toEqual([bunny]);
    expect(ids(await all(alice, { tags: [tag], q: "big buk buny" }))).toEqual([bunny]);
  });

  it("highlights matches as plain-text segments, so markup in titles stays text", async () => {
    const tag = newTag();
    await createVideo(bob, {
      title: `<img src=x onerror=alert(1)> Sunset timelapse`,
      description: "A long evening. <script>alert(1)</script> The sunset over the sea.",
      tags: [tag],
    });
    const [hit] = await all(alice, { tags: [tag], q: "sunset" });
    expect(hit.highlight?.title).toEqual([
      { text: "<img src=x onerror=alert(1)> ", match: false },
      { text: "Sunset", match: true },
      { text: " timelapse", match: false },
    ]);
    expect(hit.highlight?.description?.some((s) => s.match && s.text === "sunset")).toBe(true);
  });

  it("ignores query operators and pages ranked results without duplicates", async () => {
    const tag = newTag();
    for (let i = 0; i < 7; i++) await createVideo(bob, { title: `River ${"river ".repeat(i)}`, tags: [tag] });
    expect(await all(alice, { tags: [tag], q: "river & !:* | (" })).toHaveLength(7);
    const paged = await all(alice, { tags: [tag], q: "river", limit: 2 });
    expect(new Set(ids(paged)).size).toBe(7);
  });
});

describe("visibility", () => {
  it("lists per role, with guest access on and off, and lists unlisted videos only to their owner and admins", async () => {
    const tag = newTag();
    const v = {
      publicReady: await createVideo(alice, { tags: [tag], visibility: "public", status: "ready" }),
      publicPlayable: await createVideo(alice, { tags: [tag], visibility: "public", status: "playable" }),
      publicProcessing: await createVideo(alice, { tags: [tag], visibility: "public", status: "processing" }),
      publicFailed: await createVideo(alice, { tags: [tag], visibility: "public", status: "failed" }),
      unlisted: await createVideo(alice, { tags: [tag], visibility: "unlisted" }),
      private: await createVideo(alice, { tags: [tag], visibility: "private" }),
    };
    const listed = async (viewer: Viewer | null) => new Set(ids(await all(viewer, { tags: [tag] })));
    const everyone = [v.publicReady, v.publicPlayable];

    await setSetting("guestAccess", false);
    expect(await listed(null)).toEqual(new Set());
    await expect(ensureMayBrowse(null)).rejects.toMatchObject({ status: 401 });
    await ensureMayBrowse(bob);
    expect(await randomVideoId(null, { tags: [tag] })).toBeNull();
    await setSetting("guestAccess", true);
    expect(await listed(null)).toEqual(new Set(everyone));
    await ensureMayBrowse(null);
    await setSetting("guestAccess", false);

    expect(await listed(bob)).toEqual(new Set(everyone));
    expect(await listed(alice)).toEqual(new Set(Object.values(v)));
    // Admins see every video in lists, including unlisted and unfinished ones (lib/videos/access.ts).
    expect(await listed(admin)).toEqual(new Set(Object.values(v)));
    // Search and random pick obey the same rule.
    expect(new Set(ids(await all(bob, { tags: [tag], q: "untitled" })))).toEqual(new Set(everyone));
    for (let i = 0; i < 10; i++) expect(everyone).toContain(await randomVideoId(bob, { tags: [tag] }));

    // By id: an unlisted video can be favourited by anyone with the link; a private one cannot.
    await addFavorite(bob, v.unlisted);
    await expect(addFavorite(bob, v.private)).rejects.toMatchObject({ status: 404 });
    await expect(rateVideo(bob, v.private, 4)).rejects.toMatchObject({ status: 404 });
    await expect(recordView(bob, v.private, 10)).rejects.toMatchObject({ status: 404 });
    await addFavorite(admin, v.private);
    // Anonymous: public only with guest access; unlisted by link always (their plays are not counted).
    await expect(recordView(null, v.publicReady, 10)).rejects.toMatchObject({ status: 404 });
    expect(await recordView(null, v.unlisted, 10)).toMatchObject({ counted: false, reason: "anonymous" });
  });
});

describe("random pick", () => {
  it("respects tag and search filters and reaches every candidate", async () => {
    const tag = newTag();
    const cats = [
      await createVideo(bob, { title: "Cat video one", tags: [tag] }),
      await createVideo(bob, { title: "Cat video two", tags: [tag] }),
    ];
    await createVideo(bob, { title: "Dog video", tags: [tag] });
    const seen = new Set<string | null>();
    for (let i = 0; i < 40; i++) seen.add(await randomVideoId(alice, { tags: [tag], q: "cat" }));
    expect(seen).toEqual(new Set(cats));
    expect(await randomVideoId(alice, { tags: [newTag()] })).toBeNull();
  });
});

describe("favourites", () => {
  it("adds, lists (own only, newest first), and removes", async () => {
    const a = await createVideo(bob, { title: "Fav A" });
    const b = await createVideo(bob, { title: "Fav B" });
    const carol = await createViewer();
    await addFavorite(carol, a);
    await addFavorite(carol, b);
    await addFavorite(carol, b);
    const page1 = await listFavorites(carol, undefined, 1);
    const page2 = await listFavorites(carol, page1.nextCursor!, 1);
    expect([...ids(page1.items), ...ids(page2.items)]).toEqual([b, a]);
    expect(page2.nextCursor).toBeNull();
    expect(page1.items[0].me.favorite).toBe(true);
    expect((await listFavorites(await createViewer())).items).toEqual([]);
    await removeFavorite(carol, b);
    expect(ids((await listFavorites(carol)).items)).toEqual([a]);
  });
});

describe("ratings", () => {
  it("keeps the average and count in step, one rating per user, re-rating replaces", async () => {
    const tag = newTag();
    const id = await createVideo(bob, { tags: [tag] });
    const dave = await createViewer();
    expect(await rateVideo(alice, id, 5)).toEqual({ value: 5, average: 5, count: 1 });
    expect(await rateVideo(dave, id, 2)).toEqual({ value: 2, average: 3.5, count: 2 });
    expect(await rateVideo(alice, id, 3)).toEqual({ value: 3, average: 2.5, count: 2 });
    await expect(rateVideo(alice, id, 6)).rejects.toMatchObject({ status: 400 });
    const [seenByAlice] = await all(alice, { tags: [tag] });
    expect(seenByAlice.rating).toEqual({ average: 2.5, count: 2 });
    expect(seenByAlice.me.rating).toBe(3);
    const [seenByBob] = await all(bob, { tags: [tag] });
    expect(seenByBob.me.rating).toBeNull();
    const [check] = await db.execute<{ n: number; s: number }>(
      sql`select count(*)::int as n, sum(value)::int as s from ratings where video_id = ${id}`,
    );
    expect(check).toEqual({ n: 2, s: 5 });
  });

  it("counts concurrent first ratings of one video correctly", async () => {
    const id = await createVideo(bob);
    const raters = await Promise.all(Array.from({ length: 6 }, () => createViewer()));
    await Promise.all(raters.map((r, i) => rateVideo(r, id, (i % 5) + 1)));
    await Promise.all(raters.map((r) => rateVideo(r, id, 4)));
    const [row] = await db.execute<{ rating_sum: number; rating_count: number }>(
      sql`select rating_sum, rating_count from videos where id = ${id}`,
    );
    expect(row).toEqual({ rating_sum: 24, rating_count: 6 });
  });
});

describe("views", () => {
  it("counts only after 5 s of playback, once per user and video per 30 minutes", async () => {
    const id = await createVideo(bob);
    expect(await recordView(alice, id, 4.9)).toMatchObject({ counted: false, reason: "too-short", viewCount: 0 });
    expect(await recordView(alice, id, 5)).toMatchObject({ counted: true, viewCount: 1 });
    expect(await recordView(alice, id, 50)).toMatchObject({ counted: false, reason: "recent", viewCount: 1 });
    expect(await recordView(bob, id, 6)).toMatchObject({ counted: true, viewCount: 2 });
    // 31 minutes later the same user counts again.
    await db.execute(sql`update views set created_at = now() - interval '31 minutes' where video_id = ${id} and user_id = ${alice.id}`);
    expect(await recordView(alice, id, 6)).toMatchObject({ counted: true, viewCount: 3 });
  });

  it("counts simultaneous reports of one play once", async () => {
    const id = await createVideo(bob);
    const results = await Promise.all(Array.from({ length: 5 }, () => recordView(alice, id, 10)));
    expect(results.filter((r) => r.counted)).toHaveLength(1);
    const [row] = await db.execute<{ view_count: number }>(sql`select view_count from videos where id = ${id}`);
    expect(row.view_count).toBe(1);
  });
});

describe("continue watching and history", () => {
  it("shows unfinished, recent videos, most recent first, with progress and time left", async () => {
    const erin = await createViewer();
    const half = await createVideo(bob, { title: "Half", duration: 1440 });
    const older = await createVideo(bob, { title: "Older", duration: 600 });
    const finished = await createVideo(bob, { title: "Finished" });
    const stale = await createVideo(bob, { title: "Stale" });
    const nowPrivate = await createVideo(bob, { title: "Made private later", visibility: "private" });
    await setProgress(erin, older, 60, { updatedAt: new Date(Date.now() - 3600_000) });
    await setProgress(erin, half, 720, { duration: 1440 });
    await setProgress(erin, finished, 600, { finished: true, updatedAt: new Date(Date.now() - 600_000) });
    await setProgress(erin, stale, 60, { updatedAt: new Date(Date.now() - 91 * 86_400_000) });
    await setProgress(erin, nowPrivate, 60);
    await setProgress(alice, half, 100);

    const rows = await continueWatching(erin);
    expect(ids(rows)).toEqual([half, older]);
    expect(rows[0].me.progress).toMatchObject({ position: 720, duration: 1440, fraction: 0.5, timeLeft: "12 min left" });
    expect(rows[1].me.progress).toMatchObject({ fraction: 0.1, timeLeft: "9 min left" });

    // History: every watched row the viewer may still see, most recent first, paged.
    const h1 = await listHistory(erin, undefined, 2);
    const h2 = await listHistory(erin, h1.nextCursor!, 2);
    expect([...ids(h1.items), ...ids(h2.items)]).toEqual([half, finished, older, stale]);
    expect(h2.nextCursor).toBeNull();

    expect(await removeFromHistory(erin, half)).toBe(true);
    expect(ids((await listHistory(erin)).items)).toEqual([finished, older, stale]);
    expect(ids(await continueWatching(erin))).toEqual([older]);
    expect(await clearHistory(erin)).toBe(4);
    expect((await listHistory(erin)).items).toEqual([]);
    // Someone else's history is untouched.
    expect(ids((await listHistory(alice)).items)).toContain(half);
  });
});

describe("posters", () => {
  it("signs every published width into a srcset, and leaves videos without posters bare", async () => {
    const tag = newTag();
    const id = await createVideo(bob, { tags: [tag], outputs: { poster: [640, 320, 1280] } });
    await createVideo(bob, { tags: [tag], createdAt: new Date(Date.now() - 1000) });
    const [withPoster, without] = await all(alice, { tags: [tag] });
    expect(without.poster).toBeNull();
    const entries = withPoster.poster!.srcSet.split(", ");
    expect(entries.map((e) => e.split(" ")[1])).toEqual(["320w", "640w", "1280w"]);
    const m = /^\/media\/([^/]+)\/([^/]+)\/thumbs\/poster-640\.webp$/.exec(withPoster.poster!.src);
    expect(m?.[2]).toBe(id);
    expect(verifyToken(m![1], id)).toBe("ok");
  });
});
