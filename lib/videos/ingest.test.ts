import { afterAll, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { closeDb, db } from "@/lib/db/client";
import { users, videos } from "@/lib/db/schema";
import { stopProducerBoss } from "@/lib/queue/boss";
import { registerSource } from "./ingest";

afterAll(async () => {
  await stopProducerBoss();
  await closeDb();
});

async function makeUser() {
  const [user] = await db
    .insert(users)
    .values({ email: `u${Math.random().toString(36).slice(2)}@example.test`, name: "U", role: "admin" })
    .returning();
  return user;
}

async function probeJobsFor(videoId: string) {
  const rows = await db.execute<{ state: string }>(sql`select state from pgboss.job where name = 'probe' and data->>'videoId' = ${videoId}`);
  return [...rows];
}

describe("registerSource", () => {
  it("inserts the video as uploaded and queues its probe", async () => {
    const owner = await makeUser();
    const video = await registerSource({ ownerId: owner.id, title: "Clip", sourceKind: "upload", sourcePath: "/tmp/clip.mp4", size: 10 });
    expect(video.status).toBe("uploaded");
    expect(video.ownerId).toBe(owner.id);
    expect(await probeJobsFor(video.id)).toEqual([{ state: "created" }]);
  });

  it("writes neither the row nor the job when the transaction fails", async () => {
    const owner = await makeUser();
    const path = `/media/folder/${Math.random()}.mkv`;
    const first = await registerSource({ ownerId: owner.id, title: "A", sourceKind: "folder", sourcePath: path });
    await expect(registerSource({ ownerId: owner.id, title: "B", sourceKind: "folder", sourcePath: path })).rejects.toMatchObject({
      code: "conflict",
    });
    const rows = await db.select().from(videos).where(eq(videos.sourcePath, path));
    expect(rows.map((r) => r.id)).toEqual([first.id]);
    const all = await db.execute<{ n: number }>(sql`select count(*)::int as n from pgboss.job where name = 'probe' and data->>'videoId' not in (select id::text from videos)`);
    expect([...all][0].n).toBe(0);
  });

  it("rejects a relative source path", async () => {
    await expect(registerSource({ ownerId: null, title: "x", sourceKind: "upload", sourcePath: "relative.mp4" })).rejects.toMatchObject({
      code: "bad_request",
    });
  });
});
