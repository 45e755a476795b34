import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Viewer } from "@/lib/auth/viewer";
import { closeDb } from "@/lib/db/client";
import { createApiToken } from "@/lib/auth/api-tokens";
import { createVideo, createViewer, setProgress } from "@/test/library-data";
import { GET as listVideos } from "./route";
import { PUT as putFavorite, DELETE as deleteFavorite } from "./[id]/favorite/route";
import { PUT as putRating } from "./[id]/rating/route";
import { POST as postView } from "./[id]/view/route";
import { GET as getHistory, DELETE as clearHistory } from "../history/route";
import { DELETE as deleteHistoryItem } from "../history/[videoId]/route";
import { GET as getContinue } from "../continue-watching/route";
import { GET as getRandom } from "../random/route";

/** The library's JSON API through its real route handlers, authenticated with Bearer tokens. */

let member: Viewer;
let token: string;
const tag = `api${randomBytes(4).toString("hex")}`;
let videoId: string;
let privateId: string;

const call = (
  handler: (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>,
  path: string,
  init: { method?: string; body?: unknown; params?: Record<string, string>; auth?: boolean } = {},
) =>
  handler(
    new Request(`http://reel.test${path}`, {
      method: init.method ?? "GET",
      headers: { ...(init.auth === false ? {} : { authorization: `Bearer ${token}` }), "content-type": "application/json" },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    }),
    { params: Promise.resolve(init.params ?? {}) },
  );

beforeAll(async () => {
  member = await createViewer();
  token = (await createApiToken(member.id, "test")).token;
  const owner = await createViewer();
  videoId = await createVideo(owner, { title: "Ocean waves at night", tags: [tag], duration: 1200 });
  await createVideo(owner, { title: "Forest walk", tags: [tag] });
  privateId = await createVideo(owner, { title: "Ocean secret", tags: [tag], visibility: "private" });
});

afterAll(closeDb);

describe("GET /api/videos", () => {
  it("searches within the tag and hides private videos of others", async () => {
    const res = await call(listVideos, `/api/videos?tags=${tag}&q=ocea`);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.items.map((v: { id: string }) => v.id)).toEqual([videoId]);
    expect(body.items[0].highlight.title[0]).toEqual({ text: "Ocean", match: true });
  });

  it("answers a bad query with 400 naming the field", async () => {
    for (const [qs, field] of [
      ["sort=sideways", "sort"],
      ["limit=1000", "limit"],
      [`tags=${"x".repeat(80)}`, "tags.0"],
    ]) {
      const res = await call(listVideos, `/api/videos?${qs}`);
      expect(res.status, qs).toBe(400);
      const body = await res.json();
      expect(body.error.details.fields[0].field).toBe(field);
    }
    const res = await call(listVideos, `/api/videos?cursor=garbage`);
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toMatch(/cursor/);
  });

  it("rejects an unknown token", async () => {
    token = "reel_" + "x".repeat(43);
    const res = await call(getHistory, "/api/history");
    expect(res.status).toBe(401);
    token = (await createApiToken(member.id, "test")).token;
  });
});

describe("personal endpoints", () => {
  it("favourites, rates, counts a view and lists history for the token's user", async () => {
    expect((await call(putFavorite, "", { method: "PUT", params: { id: videoId } })).status).toBe(200);
    expect((await call(putFavorite, "", { method: "PUT", params: { id: privateId } })).status).toBe(404);
    expect((await call(putFavorite, "", { method: "PUT", params: { id: "not-a-uuid" } })).status).toBe(400);

    const rating = await call(putRating, "", { method: "PUT", params: { id: videoId }, body: { value: 4 } });
    expect(await rating.json()).toEqual({ value: 4, average: 4, count: 1 });
    const bad = await call(putRating, "", { method: "PUT", params: { id: videoId }, body: { value: 0 } });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.details.fields[0].field).toBe("value");

    expect(await (await call(postView, "", { method: "POST", params: { id: videoId }, body: { watchedSeconds: 2 } })).json()).toMatchObject({
      counted: false,
    });
    expect(await (await call(postView, "", { method: "POST", params: { id: videoId }, body: { watchedSeconds: 6 } })).json()).toMatchObject({
      counted: true,
      viewCount: 1,
    });

    const listed = await (await call(listVideos, `/api/videos?tags=${tag}&q=ocean`)).json();
    expect(listed.items[0].me).toMatchObject({ favorite: true, rating: 4 });
    expect(listed.items[0].viewCount).toBe(1);

    await setProgress(member, videoId, 600);
    const cw = await (await call(getContinue, "/api/continue-watching")).json();
    expect(cw.items[0]).toMatchObject({ id: videoId, me: { progress: { fraction: 0.5, timeLeft: "10 min left" } } });

    const history = await (await call(getHistory, "/api/history")).json();
    expect(history.items.map((v: { id: string }) => v.id)).toEqual([videoId]);
    expect(await (await call(deleteHistoryItem, "", { method: "DELETE", params: { videoId } })).json()).toEqual({ removed: true });
    await setProgress(member, videoId, 10);
    expect(await (await call(clearHistory, "/api/history", { method: "DELETE" })).json()).toEqual({ removed: 1 });

    expect((await call(deleteFavorite, "", { method: "DELETE", params: { id: videoId } })).status).toBe(200);
  });

  it("picks a random video within the filters, or redirects to it", async () => {
    const res = await call(getRandom, `/api/random?tags=${tag}&q=ocean`);
    expect(await res.json()).toEqual({ id: videoId, url: `/watch/${videoId}` });
    const go = await call(getRandom, `/api/random?tags=${tag}&q=ocean&go=1`);
    expect(go.status).toBe(303);
    expect(go.headers.get("location")).toBe(`/watch/${videoId}`);
    expect((await call(getRandom, `/api/random?tags=${tag}&q=nothingmatches`)).status).toBe(404);
    const none = await call(getRandom, `/api/random?tags=${tag}&q=nothingmatches&go=1`);
    expect(none.status).toBe(303);
    expect(none.headers.get("location")).toBe(`/videos?q=nothingmatches&tags=${tag}&surprise=empty`);
  });
});
