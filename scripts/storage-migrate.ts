import { parseArgs } from "node:util";
import { closeDb } from "@/lib/db/client";
import { env } from "@/lib/env";
import { migrateStorage, type MigrationEvent } from "@/lib/storage/migrate";
import { videosToMigrate } from "@/lib/videos/migration-queries";
import { createS3Storage } from "@/lib/storage/s3";

/**
 * `npm run storage:migrate -- --to s3|local [--delete-source]`: moves every video's files between the
 * data folder and the bucket of the `REEL_S3_*` settings while Reel keeps serving them (see
 * lib/storage/migrate.ts). Safe to stop and run again: it continues where it stopped.
 */

const usage = "usage: npm run storage:migrate -- --to s3|local [--delete-source]";
const { values } = parseArgs({ options: { to: { type: "string" }, "delete-source": { type: "boolean", default: false } } });
if (values.to !== "s3" && values.to !== "local") {
  console.error(usage);
  process.exit(2);
}
if (!env.DATABASE_URL) {
  console.error("DATABASE_URL is not set: storage:migrate reads the videos from the database Reel uses.");
  process.exit(2);
}
if (!env.REEL_S3_BUCKET) {
  console.error("REEL_S3_BUCKET (and the other REEL_S3_* settings) must name the bucket to move media to or from.");
  process.exit(2);
}

const mib = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MiB`;
let done = 0;
let files = 0;
function print(event: MigrationEvent): void {
  switch (event.kind) {
    case "video":
      done = 0;
      files = event.files;
      console.log(`[${event.index + 1}/${event.total}] ${event.videoId}: ${event.files} files, ${mib(event.bytes)}`);
      break;
    case "copied":
    case "present":
      done++;
      if (done % 50 === 0 || done === files) console.log(`  ${done}/${files} files`);
      break;
    case "moved":
      console.log(`  moved to ${values.to}${event.sourceDeleted ? ", source removed" : ""}`);
      break;
    case "busy":
      console.log(`  ${event.videoId}: still being processed, left for the next run`);
      break;
    case "refused":
      console.log(`  ${event.videoId}: refused unsafe name ${JSON.stringify(event.relative)}; this video is not moved`);
      break;
  }
}

const bucket = createS3Storage(env);
const stop = new AbortController();
process.once("SIGINT", () => {
  console.log("stopping after the current file; run again to continue");
  stop.abort();
});
let code = 0;
try {
  const result = await migrateStorage({ to: values.to, bucket, videos: await videosToMigrate(), deleteSource: values["delete-source"], signal: stop.signal, onEvent: print });
  console.log(
    `${result.moved.length} videos moved to ${values.to}: ${result.copied} files copied (${mib(result.bytes)}), ${result.present} already there; ` +
      `${result.busy.length} still processing, ${result.refused.length} unsafe names refused`,
  );
  if (result.busy.length || result.refused.length) code = 1;
} catch (error) {
  console.error(stop.signal.aborted ? "stopped; run again to continue" : `storage:migrate failed: ${(error as Error).message}`);
  code = 1;
} finally {
  bucket.client.destroy();
  await closeDb();
}
process.exit(code);
