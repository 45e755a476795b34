import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { createVideo, createViewer } from "@/test/library-data";
import { catalogPages, ids, newTag, twoMembers } from "@/test/library-pages";
import { addFavorite, rateVideo, recordView, removeFavorite } from "./interactions";
import { listFavorites } from "./lists";

const members = twoMembers();

describe("favourites", () => {
  it("adds, lists (own only, newest first), and removes", async () => {
    const a = await createVideo(members.bob, { title: "Fav A" });
    const b = await createVideo(members.bob, { title: "Fav B" });
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
    const id = await createVideo(members.bob, { tags: [tag] });
    const dave = await createViewer();
    expect(await rateVideo(members.alice, id, 5)).toEqual({ value: 5, average: 5, count: 1 });
    expect(await rateVideo(dave, id, 2)).toEqual({ value: 2, average: 3.5, count: 2 });
    expect(await rateVideo(members.alice, id, 3)).toEqual({ value: 3, average: 2.5, count: 2 });
    await expect(rateVideo(members.alice, id, 6)).rejects.toMatchObject({ status: 400 });
    const [seenByAlice] = await catalogPages(members.alice, { tags: [tag] });
    expect(seenByAlice.rating).toEqual({ average: 2.5, count: 2 });
    expect(seenByAlice.me.rating).toBe(3);
    const [seenByBob] = await catalogPages(members.bob, { tags: [tag] });
    expect(seenByBob.me.rating).toBeNull();
    const [check] = await db.execute<{ n: number; s: number }>(
      sql`select count(*)::int as n, sum(value)::int as s from ratings where video_id = ${id}`,
    );
    expect(check).toEqual({ n: 2, s: 5 });
  });

  it("counts concurrent first ratings of one video correctly", async () => {
    const id = await createVideo(members.bob);
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
    const id = await createVideo(members.bob);
    expect(await recordView(members.alice, id, 4.9)).toMatchObject({ counted: false, reason: "too-short", viewCount: 0 });
    expect(await recordView(members.alice, id, 5)).toMatchObject({ counted: true, viewCount: 1 });
    expect(await recordView(members.alice, id, 50)).toMatchObject({ counted: false, reason: "recent", viewCount: 1 });
    expect(await recordView(members.bob, id, 6)).toMatchObject({ counted: true, viewCount: 2 });
    // 31 minutes later the same user counts again.
    await db.execute(sql`update views set created_at = now() - interval '31 minutes' where video_id = ${id} and user_id = ${members.alice.id}`);
    expect(await recordView(members.alice, id, 6)).toMatchObject({ counted: true, viewCount: 3 });
  });

  it("counts simultaneous reports of one play once", async () => {
    const id = await createVideo(members.bob);
    const results = await Promise.all(Array.from({ length: 5 }, () => recordView(members.alice, id, 10)));
    expect(results.filter((r) => r.counted)).toHaveLength(1);
    const [row] = await db.execute<{ view_count: number }>(sql`select view_count from videos where id = ${id}`);
    expect(row.view_count).toBe(1);
  });
});
