import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "./client";
import { isDeadlock, retryOnDeadlock } from "./errors";

const table = sql.identifier(`deadlock_probe_${process.pid}`);

/**
 * Two transactions update the same two rows in opposite orders, each taking its second row only once both hold their
 * first (on a transaction's first run only): a real deadlock, which Postgres breaks by failing one of them.
 */
function crossing() {
  let holding = 0;
  const run = (first: number, second: number, runs: number[]) =>
    db.transaction(async (tx) => {
      runs.push(runs.length + 1);
      await tx.execute(sql`update ${table} set n = n + 1 where id = ${first}`);
      if (runs.length === 1) {
        holding++;
        while (holding < 2) await new Promise((r) => setTimeout(r, 10));
      }
      await tx.execute(sql`update ${table} set n = n + 1 where id = ${second}`);
    });
  return run;
}

const counts = async () => [...(await db.execute<{ n: number }>(sql`select n from ${table} order by id`))].map((r) => r.n);

describe("a transaction that loses a deadlock", () => {
  beforeAll(async () => {
    await db.execute(sql`create table ${table} (id int primary key, n int not null)`);
  });
  afterAll(async () => {
    await db.execute(sql`drop table ${table}`);
  });

  it("fails with an error isDeadlock recognises, and only that one", async () => {
    await db.execute(sql`truncate ${table}; insert into ${table} values (1, 0), (2, 0)`);
    const run = crossing();
    const results = await Promise.allSettled([run(1, 2, []), run(2, 1, [])]);
    const failed = results.filter((r) => r.status === "rejected");
    expect(failed).toHaveLength(1);
    expect(isDeadlock(failed[0].reason)).toBe(true);
    expect(isDeadlock(new Error("something else"))).toBe(false);
    expect(await counts()).toEqual([1, 1]);
  });

  it("is run again by retryOnDeadlock, and both take effect once", async () => {
    await db.execute(sql`truncate ${table}; insert into ${table} values (1, 0), (2, 0)`);
    const run = crossing();
    const [a, b]: number[][] = [[], []];
    await Promise.all([retryOnDeadlock(() => run(1, 2, a)), retryOnDeadlock(() => run(2, 1, b))]);
    expect(a.length + b.length).toBe(3);
    expect(await counts()).toEqual([2, 2]);
  });

  it("gives up after the attempts it was given, with Postgres's error", async () => {
    let runs = 0;
    const deadlock = Object.assign(new Error("deadlock detected"), { code: "40P01" });
    await expect(retryOnDeadlock(() => Promise.reject(Object.assign(new Error("wrapped"), { cause: deadlock })).finally(() => runs++), 2)).rejects.toThrow("wrapped");
    expect(runs).toBe(2);
  });
});
