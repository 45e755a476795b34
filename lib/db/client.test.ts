import { describe, expect, it } from "vitest";
import { createDb, reconnectDelaySeconds } from "./client";

describe("the pool's reconnection", () => {
  it("tries a Postgres that went away again at least every second, however long it was gone", async () => {
    const { sql } = createDb("postgres://nobody@127.0.0.1:1/nothing");
    expect(sql.options.backoff).toBe(reconnectDelaySeconds);
    expect([0, 1, 4, 5, 10, 100].map(reconnectDelaySeconds)).toEqual([0.05, 0.1, 0.8, 1, 1, 1]);
    await sql.end();
  });
});
