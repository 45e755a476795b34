import postgres from "postgres";
import { afterAll, describe, expect, it } from "vitest";
import { createDatabase, dropDatabase } from "./migrate";

/**
 * The pool's transactions (drizzle's db.transaction is postgres.js's sql.begin), against a real server. This proves
 * scripts/patch-dependencies.ts's fix of postgres.js 3.4.9, which fails it without the fix.
 */
const server = process.env.TEST_DATABASE_SERVER!;
const name = `reel_tx_${process.pid}`;
const url = await createDatabase(server, name);
afterAll(() => dropDatabase(server, name));

describe("a transaction whose BEGIN fills its connection's pipeline", () => {
  it("still owns its connection, and leaves nothing open for the pool's next queries", async () => {
    // With a pipeline of none, every BEGIN is the one that fills it, as the hundredth query on a busy connection is.
    // (An option postgres.js has but leaves out of its types.)
    const options = { max: 2, max_pipeline: 0, onnotice: () => {} };
    const sql = postgres(url, options);
    try {
      const results = await Promise.all([1, 2, 3].map((i) => sql.begin(async (tx) => (await tx<{ i: number }[]>`select ${i}::int as i`)[0].i)));
      expect(results).toEqual([1, 2, 3]);
      // An unreserved BEGIN left its connection in a transaction, in the pool, for unrelated queries to run inside.
      const [{ open }] = await sql<{ open: number }[]>`
        select count(*)::int as open from pg_stat_activity where datname = ${name} and state like 'idle in transaction%'`;
      expect(open).toBe(0);
    } finally {
      await sql.end({ timeout: 5 });
    }
  });
});
