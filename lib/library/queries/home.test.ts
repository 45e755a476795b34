import { describe, expect, it } from "vitest";
import { createVideo } from "@/test/library-data";
import { ids, newTag, twoMembers } from "@/test/library-pages";
import { invalidateTagCache, popularTags, tagRows } from "./home";

const members = twoMembers();

describe("home rows and tags", () => {
  it("builds home rows per tag and counts popular tags of public videos only", async () => {
    const [t1, t2] = [newTag(), newTag()];
    const x = await createVideo(members.bob, { tags: [t1] });
    const y = await createVideo(members.bob, { tags: [t1, t2] });
    await createVideo(members.bob, { tags: [t2], visibility: "private" });
    invalidateTagCache();
    const tags = await popularTags(200);
    expect(tags.find((t) => t.tag === t1)?.count).toBe(2);
    expect(tags.find((t) => t.tag === t2)?.count).toBe(1);
    const rows = await tagRows(members.alice, [t2, t1, newTag()]);
    expect(rows.map((r) => r.tag)).toEqual([t2, t1]);
    expect(ids(rows[0].videos)).toEqual([y]);
    expect(new Set(ids(rows[1].videos))).toEqual(new Set([x, y]));
  });
});
