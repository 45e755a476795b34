import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb, db } from "@/lib/db/client";
import { apiTokens, videos } from "@/lib/db/schema";
import { newApiToken } from "@/lib/auth/tokens";
import { createTestUser } from "@/test/factories";
import * as statsRoute from "@/app/api/stats/[table]/route";
import { STATS_TABLES } from "./service";

async function tokenFor(role: "admin" | "member") {
  const user = await createTestUser({ role });
  const token = newApiToken();
  await db.insert(apiTokens).values({ userId: user.id, name: "test", tokenHash: token.tokenHash, prefix: token.prefix });
  return { user, auth: `Bearer ${token.token}` };
}

let admin: Awaited<ReturnType<typeof tokenFor>>;
let member: Awaited<ReturnType<typeof tokenFor>>;
let ownVideo: string;
let othersVideo: string;

beforeAll(async () => {
  [admin, member] = await Promise.all([tokenFor("admin"), tokenFor("member")]);
  const rows = await db
    .insert(videos)
    .values([
      { ownerId: member.user.id, title: "mine", visibility: "public", sourceKind: "upload", duration: 10, status: "ready" },
      { ownerId: admin.user.id, title: "not mine", visibility: "public", sourceKind: "upload", duration: 10, status: "ready" },
    ])
    .returning({ id: videos.id });
  [ownVideo, othersVideo] = rows.map((r) => r.id);
});
afterAll(closeDb);

const get = (table: string, query: string, auth?: string) =>
  statsRoute.GET(new Request(`http://test/api/stats/${table}?${query}`, { headers: auth ? { authorization: auth } : {} }), { params: Promise.resolve({ table }) });

describe("stats API", () => {
  const tables = Object.keys(STATS_TABLES);

  it("answers every table to an admin, in JSON and CSV", async () => {
    for (const table of tables) {
      const res = await get(table, "range=7d", admin.auth);
      expect(res.status, table).toBe(200);
      expect(Array.isArray((await res.json()).rows)).toBe(true);
    }
    const csv = await get("retention", "range=24h&format=csv", admin.auth);
    expect(csv.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(csv.headers.get("content-disposition")).toContain("reel-retention-24h.csv");
  });

  it("gives a member 403 on every server-wide table and 401 to nobody", async () => {
    for (const table of tables) {
      expect((await get(table, "range=24h", member.auth)).status, table).toBe(403);
      expect((await get(table, "range=24h")).status, table).toBe(401);
    }
  });

  it("lets an owner read their own video's tables only", async () => {
    expect((await get("retention", `videoId=${ownVideo}`, member.auth)).status).toBe(200);
    expect((await get("quality-series", `videoId=${ownVideo}&format=csv`, member.auth)).status).toBe(200);
    expect((await get("retention", `videoId=${othersVideo}`, member.auth)).status).toBe(404);
    // Tables that rank videos across the server stay with admins even when a video is named.
    expect((await get("top-videos", `videoId=${ownVideo}`, member.auth)).status).toBe(403);
  });

  it("validates the table and the query", async () => {
    expect((await get("nope", "", admin.auth)).status).toBe(400);
    expect((await get("retention", "range=1y", admin.auth)).status).toBe(400);
    expect((await get("retention", "videoId=x", admin.auth)).status).toBe(400);
  });
});
