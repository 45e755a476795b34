import { afterAll, describe, expect, it } from "vitest";
import { closeDb } from "@/lib/db/client";
import { createVideo } from "@/test/library-data";
import { createTokenUser } from "@/test/serve-routes";
import * as statsRoute from "@/app/api/stats/[table]/route";
import { STATS_TABLES } from "./service";

const [admin, member] = await Promise.all([createTokenUser({ role: "admin", password: null }), createTokenUser({ password: null })]);
const ownVideo = await createVideo(null, { ownerId: member.user.id, title: "mine", duration: 10 });
const othersVideo = await createVideo(null, { ownerId: admin.user.id, title: "not mine", duration: 10 });
afterAll(closeDb);

const get = (table: string, query: string, auth?: string) =>
  statsRoute.GET(new Request(`http://test/api/stats/${table}?${query}`, { headers: auth ? { authorization: auth } : {} }), { params: Promise.resolve({ table }) });

describe("stats API", () => {
  const tables = Object.keys(STATS_TABLES);

  it("answers every table to an admin, in JSON and CSV", async () => {
    for (const table of tables) {
      const res = await get(table, "range=7d", admin.authorization);
      expect(res.status, table).toBe(200);
      expect(Array.isArray((await res.json()).rows)).toBe(true);
    }
    const csv = await get("retention", "range=24h&format=csv", admin.authorization);
    expect(csv.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(csv.headers.get("content-disposition")).toContain("reel-retention-24h.csv");
  });

  it("gives a member 403 on every server-wide table and 401 to nobody", async () => {
    for (const table of tables) {
      expect((await get(table, "range=24h", member.authorization)).status, table).toBe(403);
      expect((await get(table, "range=24h")).status, table).toBe(401);
    }
  });

  it("lets an owner read their own video's tables only", async () => {
    expect((await get("retention", `videoId=${ownVideo}`, member.authorization)).status).toBe(200);
    expect((await get("quality-series", `videoId=${ownVideo}&format=csv`, member.authorization)).status).toBe(200);
    expect((await get("retention", `videoId=${othersVideo}`, member.authorization)).status).toBe(404);
    // Tables that rank videos across the server stay with admins even when a video is named.
    expect((await get("top-videos", `videoId=${ownVideo}`, member.authorization)).status).toBe(403);
  });

  it("validates the table and the query", async () => {
    expect((await get("nope", "", admin.authorization)).status).toBe(400);
    expect((await get("retention", "range=1y", admin.authorization)).status).toBe(400);
    expect((await get("retention", "videoId=x", admin.authorization)).status).toBe(400);
  });
});
