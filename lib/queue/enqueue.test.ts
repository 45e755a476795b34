import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { closeDb, db } from "@/lib/db/client";
import { stopProducerBoss } from "./boss";
import { enqueue } from "./enqueue";

afterAll(async () => {
  await stopProducerBoss();
  await closeDb();
});

async function jobsFor(videoId: string) {
  return [...(await db.execute<{ name: string }>(sql`select name from pgboss.job where data->>'videoId' = ${videoId}`))];
}

describe("enqueue", () => {
  it("commits the job with the surrounding transaction", async () => {
    const videoId = randomUUID();
    await db.transaction(async (tx) => {
      await enqueue("faststart", { videoId }, { tx });
    });
    expect(await jobsFor(videoId)).toEqual([{ name: "faststart" }]);
  });

  it("leaves no job when the surrounding transaction rolls back", async () => {
    const videoId = randomUUID();
    await expect(
      db.transaction(async (tx) => {
        await enqueue("faststart", { videoId }, { tx });
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(await jobsFor(videoId)).toEqual([]);
  });

  it("refuses a payload that does not match the job's schema", async () => {
    await expect(enqueue("probe", { videoId: "not-a-uuid" })).rejects.toThrow();
  });
});
