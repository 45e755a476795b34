import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Viewer } from "@/lib/auth/viewer";
import { closeDb } from "@/lib/db/client";
import { verifyToken } from "@/lib/media/signing";
import { setSetting } from "@/lib/settings";
import { createVideo, createViewer, setProgress } from "@/test/library-data";
import { catalogPages, ids, newTag } from "@/test/library-pages";
import { ensureMayBrowse } from "../access";
import type { CatalogSort } from "../format";
import { encodeCursor } from "../rules";
import { listCatalog, randomVideoId } from "./catalog";
import { addFavorite, rateVideo, recordView } from "./interactions";
import { listHistory } from "./lists";

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
      const got = await catalogPages(alice, { tags: [tag], sort: sort as CatalogSort, limit: 4 });
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
    expect(ids(await catalogPages(alice, { tags: [tag], sort: "watched", limit: 1 }))).toEqual([b, a]);
    expect(await catalogPages(bob, { tags: [tag], sort: "watched" })).toEqual([]);
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
    expect(ids(await catalogPages(alice, { tags: [t1, t2] }))).toEqual([both]);
    expect(new Set(ids(await catalogPages(alice, { tags: [t1] })))).toEqual(new Set([both, one]));
  });

});

describe("search", () => {
  it("ranks title matches above tag and description matches, with prefix matching", async () => {
    const tag = newTag();
    const inTitle = await createVideo(bob, { title: "Mountain biking in the Alps", tags: [tag] });
    const inTags = await createVideo(bob, { title: "Weekend trip", tags: [tag, "mountains"] });
    const inDescription = await createVideo(bob, { title: "Cooking pasta", description: "Filmed in a mountain hut.", tags: [tag] });
    await createVideo(bob, { title: "Unrelated", tags: [tag] });
    const got = await catalogPages(alice, { tags: [tag], q: "mount" });
    expect(ids(got)).toEqual([inTitle, inTags, inDescription]);
    expect(ids(await catalogPages(alice, { tags: [tag], q: "mountain alps" }))).toEqual([inTitle]);
  });

  it("tolerates typos in titles", async () => {
    const tag = newTag();
    const bunny = await createVideo(bob, { title: "Big Buck Bunny", tags: [tag] });
    await createVideo(bob, { title: "Tears of Steel", tags: [tag] });
    expect(ids(await catalogPages(alice, { tags: [tag], q: "bunyn" }))).toEqual([bunny]);
    expect(ids(await catalogPages(alice, { tags: [tag], q: "big buk buny" }))).toEqual([bunny]);
  });

  it("highlights matches as plain-text segments, so markup in titles stays text", async () => {
    const tag = newTag();
    await createVideo(bob, {
      title: `<img src=x onerror=alert(1)> Sunset timelapse`,
      description: "A long evening. <script>alert(1)</script> The sunset over the sea.",
      tags: [tag],
    });
    const [hit] = await catalogPages(alice, { tags: [tag], q: "sunset" });
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
    expect(await catalogPages(alice, { tags: [tag], q: "river & !:* | (" })).toHaveLength(7);
    const paged = await catalogPages(alice, { tags: [tag], q: "river", limit: 2 });
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
    const listed = async (viewer: Viewer | null) => new Set(ids(await catalogPages(viewer, { tags: [tag] })));
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
    expect(new Set(ids(await catalogPages(bob, { tags: [tag], q: "untitled" })))).toEqual(new Set(everyone));
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

describe("posters", () => {
  it("signs every published width into a srcset, and leaves videos without posters bare", async () => {
    const tag = newTag();
    const id = await createVideo(bob, { tags: [tag], outputs: { poster: [640, 320, 1280] } });
    await createVideo(bob, { tags: [tag], createdAt: new Date(Date.now() - 1000) });
    const [withPoster, without] = await catalogPages(alice, { tags: [tag] });
    expect(without.poster).toBeNull();
    const entries = withPoster.poster!.srcSet.split(", ");
    expect(entries.map((e) => e.split(" ")[1])).toEqual(["320w", "640w", "1280w"]);
    const m = /^\/media\/([^/]+)\/([^/]+)\/thumbs\/poster-640\.webp$/.exec(withPoster.poster!.src);
    expect(m?.[2]).toBe(id);
    expect(verifyToken(m![1], id)).toBe("ok");
  });
});
