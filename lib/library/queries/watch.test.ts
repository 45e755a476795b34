import { describe, expect, it } from "vitest";
import { createVideo, setProgress } from "@/test/library-data";
import { ids, newTag, twoMembers } from "@/test/library-pages";
import { upNext, watchDetails } from "./watch";

const members = twoMembers();

describe("watch page details and up next", () => {
  it("reads a video with its uploader and the viewer's own favourite and rating, within the visibility rules", async () => {
    const tag = newTag();
    const mine = await createVideo(members.bob, { tags: [tag], visibility: "private", description: "x".repeat(400), title: "Bob's" });
    const details = await watchDetails(members.bob, mine);
    expect(details?.description).toHaveLength(400);
    expect(details?.me.canEdit).toBe(true);
    expect(details?.uploader).toBeTruthy();
    expect(await watchDetails(members.alice, mine)).toBeNull();
    expect(await watchDetails(null, mine)).toBeNull();
  });

  it("puts Continue Watching first, then videos sharing tags (most shared first), then the newest; never private ones of others", async () => {
    const [a, b] = [newTag(), newTag()];
    const current = await createVideo(members.bob, { tags: [a, b] });
    const started = await createVideo(members.bob, { tags: [] });
    const oneTag = await createVideo(members.bob, { tags: [a] });
    const twoTags = await createVideo(members.bob, { tags: [a, b], createdAt: new Date(Date.now() - 86_400_000) });
    const hidden = await createVideo(members.bob, { tags: [a, b], visibility: "private" });
    await setProgress(members.alice, started, 30);
    await setProgress(members.alice, current, 30);

    const list = ids(await upNext(members.alice, { id: current, tags: [a, b] }));
    expect(list.slice(0, 3)).toEqual([started, twoTags, oneTag]);
    expect(list).not.toContain(current);
    expect(list).not.toContain(hidden);
    expect(new Set(list).size).toBe(list.length);

    // Its owner sees the private one among those sharing tags; anonymous visitors get no Continue Watching.
    expect(ids(await upNext(members.bob, { id: current, tags: [a, b] })).slice(0, 3)).toEqual([hidden, twoTags, oneTag]);
  });
});
