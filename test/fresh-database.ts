import { randomBytes } from "node:crypto";
import { createDatabase, dropDatabase, runMigrations } from "../lib/db/migrate";

/**
 * For tests that need a database nobody else writes to (e.g. "no user exists yet"): creates and migrates
 * one on the run's server and points DATABASE_URL at it. Call it BEFORE any lib module is imported, since lib/env.ts
 * reads the environment once: in `await vi.hoisted(async () => …)`, which Vitest runs before the file's imports (see
 * workers/pipeline.test.ts). Each test file runs in its own process.
 */
export async function freshDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const server = process.env.DATABASE_URL;
  if (!server) throw new Error("DATABASE_URL is not set: run the tests through vitest's global setup");
  const name = `reel_iso_${Date.now()}_${randomBytes(3).toString("hex")}`;
  const url = await createDatabase(server, name);
  await runMigrations(url);
  process.env.DATABASE_URL = url;
  return {
    url,
    drop: async () => {
      const { closeDb } = await import("../lib/db/client");
      await closeDb();
      await dropDatabase(server, name);
    },
  };
}
