import { describe, expect, it } from "vitest";
import { createVideo, createViewer, setProgress } from "@/test/library-data";
import { ids, twoMembers } from "@/test/library-pages";
import { continueWatching } from "./home";
import { clearHistory, listHistory, removeFromHistory } from "./lists";

const members = twoMembers();

describe("continue watching and history", () => {
  it("shows unfinished, recent videos, most recent first, with progress and time left", async () => {
    const erin = await createViewer();
    const half = await createVideo(members.bob, { title: "Half", duration: 1440 });
    const older = await createVideo(members.bob, { title: "Older", duration: 600 });
    const finished = await createVideo(members.bob, { title: "Finished" });
    const stale = await createVideo(members.bob, { title: "Stale" });
    const nowPrivate = await createVideo(members.bob, { title: "Made private later", visibility: "private" });
    await setProgress(erin, older, 60, { updatedAt: new Date(Date.now() - 3600_000) });
    await setProgress(erin, half, 720, { duration: 1440 });
    await setProgress(erin, finished, 600, { finished: true, updatedAt: new Date(Date.now() - 600_000) });
    await setProgress(erin, stale, 60, { updatedAt: new Date(Date.now() - 91 * 86_400_000) });
    await setProgress(erin, nowPrivate, 60);
    await setProgress(members.alice, half, 100);

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
    expect(ids((await listHistory(members.alice)).items)).toContain(half);
  });
});
