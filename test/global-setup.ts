import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createDatabase, dropDatabase, runMigrations } from "../lib/db/migrate";
import { s3TestEnv, startS3Server } from "./s3-server";

/**
 * Every run gets a fresh database on the server named by TEST_DATABASE_SERVER (set by
 * scripts/test.ts: the embedded server by default, or the one DATABASE_URL points at),
 * a fresh data folder, and one S3 API server (moto) with an empty bucket, for the tests of media
 * in a bucket: its `REEL_S3_*` settings are set, `REEL_STORAGE` stays local. Test workers inherit
 * the environment set here.
 */
export default async function setup() {
  const server = process.env.TEST_DATABASE_SERVER ?? process.env.DATABASE_URL;
  if (!server) throw new Error("Run the tests through `npm test`, or set DATABASE_URL to a Postgres server");
  const name = `reel_test_${Date.now()}_${randomBytes(3).toString("hex")}`;
  const url = await createDatabase(server, name);
  await runMigrations(url);
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "reel-test-"));
  await fs.chmod(dataDir, 0o755);
  const s3 = await startS3Server();

  Object.assign(process.env, {
    NODE_ENV: "test",
    DATABASE_URL: url,
    REEL_DATA_DIR: dataDir,
    AUTH_SECRET: randomBytes(32).toString("hex"),
    REEL_MEDIA_KEYS: `t1:${randomBytes(32).toString("hex")}`,
    LOG_LEVEL: process.env.LOG_LEVEL ?? "silent",
    ...s3TestEnv(s3),
  });

  return async () => {
    await s3.stop();
    await dropDatabase(server, name);
    await fs.rm(dataDir, { recursive: true, force: true });
  };
}
