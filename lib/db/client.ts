import "server-only";
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { env } from "@/lib/env";
import * as schema from "./schema";

/**
 * One pool per process. The launcher hands DATABASE_URL to every child (it points at the
 * embedded server when none was configured), so reaching this without one is a set-up error.
 */
function connect() {
  if (!env.DATABASE_URL) {
    throw new Error("DATABASE_URL is not set: start Reel with `npm start`, which provides the embedded database");
  }
  return createDb(env.DATABASE_URL);
}

/** Delay before the `attempt`-th reconnection in a row: 50 ms doubling, at most 1 s. */
export function reconnectDelaySeconds(attempt: number): number {
  return Math.min(0.05 * 2 ** attempt, 1);
}

/** A separate pool on any URL: for the launcher (before its children exist) and for tests. End it with `sql.end()`. */
export function createDb(url: string, options: { max?: number; connectTimeout?: number } = {}) {
  // max_pipeline is read by postgres.js (src/index.js parseOptions) but missing from its type definitions.
  const untyped: { max_pipeline: number } = {
    // One query per connection at a time. With pipelining, postgres.js 3.4 moves connections through a "busy"
    // queue whose array only grows while the pool stays busy (src/queue.js), so under sustained load each query
    // paid a scan of it: 13% of the CPU of a cached list request in a profile, and rising with uptime.
    max_pipeline: 1,
  };
  const sql = postgres(url, {
    ...untyped,
    max: options.max ?? 10,
    idle_timeout: 30,
    connect_timeout: options.connectTimeout ?? 10,
    // Seconds before a closed connection connects again. postgres.js's default grows with every failed attempt
    // of the whole pool, up to 20 s, so after a longer Postgres outage a process could go on failing for that
    // long once Postgres was back; retrying at most every second costs a down server nothing.
    backoff: reconnectDelaySeconds,
    onnotice: () => {},
    // Search typo tolerance (lib/library): the default 0.6 misses ordinary one-letter typos in titles.
    connection: { "pg_trgm.word_similarity_threshold": 0.5 },
  });
  return { sql, db: drizzle(sql, { schema, casing: "snake_case" }) };
}

type Connection = ReturnType<typeof connect>;
const globalForDb = globalThis as unknown as { reelDb?: Connection };

function connection(): Connection {
  globalForDb.reelDb ??= connect();
  return globalForDb.reelDb;
}

/** Lazily connected so that importing a module (e.g. during `next build`) opens nothing. */
function bound(target: object, prop: string | symbol) {
  const value = Reflect.get(target, prop);
  return typeof value === "function" ? value.bind(target) : value;
}
export const db = new Proxy({} as Connection["db"], {
  get: (_t, prop) => bound(connection().db, prop),
});
export const sql = new Proxy((() => {}) as unknown as Connection["sql"], {
  get: (_t, prop) => bound(connection().sql, prop),
  apply: (_t, thisArg, args) => Reflect.apply(connection().sql as never, thisArg, args),
});

export type Db = Connection["db"];
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

export async function closeDb() {
  const current = globalForDb.reelDb;
  globalForDb.reelDb = undefined;
  await current?.sql.end({ timeout: 5 });
}
