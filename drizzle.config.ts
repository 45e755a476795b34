import { defineConfig } from "drizzle-kit";

// Generation only needs the schema; applying migrations is scripts/migrate.ts's job.
export default defineConfig({
  dialect: "postgresql",
  schema: "./lib/db/schema/index.ts",
  out: "./drizzle",
  casing: "snake_case",
});
