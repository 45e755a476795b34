import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Viewer } from "@/lib/auth/viewer";
import { closeDb } from "@/lib/db/client";
import { createVideo, createViewer } from "@/test/library-data";
import { ids, newTag } from "@/test/library-pages";
import { invalidateTagCache, popularTags, tagRows } from "./home";

let alice: Viewer;
let bob: Viewer;

beforeAll(async () => {
  alice = await createViewer("member");
  bob = await createViewer("member");
});

afterAll(async () => {
  await closeDb();
});

describe("home rows and tags", () => {
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
