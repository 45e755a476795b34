import { env } from "@/lib/env";
import { runMigrations } from "@/lib/db/migrate";

if (!env.DATABASE_URL) {
  console.error("DATABASE_URL is not set; `npm start` migrates the embedded database by itself.");
  process.exit(1);
}
await runMigrations(env.DATABASE_URL);
console.log("migrations applied");
