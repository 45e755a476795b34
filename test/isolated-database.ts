import { randomBytes } from "node:crypto";
import { createDb } from "../lib/db/client";
import { createDatabase, dropDatabase, runMigrations } from "../lib/db/migrate";
import { env } from "../lib/env";

/**
 * A migrated database of its own, on the test server, for tests that need a table to themselves
 * (no users yet, no other worker's heartbeat) while other files share the run's database.
 */
export async function isolatedDatabase() {
  const runUrl = env.DATABASE_URL!;
  const name = `${new URL(runUrl).pathname.slice(1)}_${randomBytes(3).toString("hex")}`;
  const url = await createDatabase(runUrl, name);
  await runMigrations(url);
  const { db, sql } = createDb(url, { max: 2 });
  return {
    url,
    db,
    sql,
    async drop() {
      await sql.end({ timeout: 5 });
      await dropDatabase(runUrl, name);
    },
  };
}
