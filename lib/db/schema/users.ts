import { bigint, boolean, index, integer, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { sql } from "drizzle-orm";

export const userRole = pgEnum("user_role", ["admin", "member"]);

export const users = pgTable(
  "users",
  {
    id: uuid().primaryKey().defaultRandom(),
    email: text().notNull(),
    name: text().notNull(),
    role: userRole().notNull().default("member"),
    /** argon2id PHC string; null until an invited user sets a password. */
    passwordHash: text(),
    /** Members upload only when an admin allows it; admins always may. */
    canUpload: boolean().notNull().default(false),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lastLoginAt: timestamp({ withTimezone: true }),
    disabledAt: timestamp({ withTimezone: true }),
    /**
     * Bumped by triggers (drizzle/0003) whenever the user's favourites, ratings or progress change:
     * cached library pages and lists of this user are valid only for the version they were made at.
     */
    libraryVersion: bigint({ mode: "number" }).notNull().default(0),
    /**
     * Session cookies (JWTs, checked by every web server without shared state) carry the version they were
     * issued at and are honoured only while it is current: bumping it signs the account out everywhere
     * (on request, on a password change, when an admin disables it).
     */
    sessionVersion: integer().notNull().default(0),
  },
  (t) => [uniqueIndex("users_email_lower_idx").on(sql`lower(${t.email})`)],
);
export type User = typeof users.$inferSelect;
export type NewUser = typeof users.$inferInsert;

/** One-time links that let an invited user choose a password. */
export const invites = pgTable(
  "invites",
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    tokenHash: text().notNull().unique(),
    createdBy: uuid().references(() => users.id, { onDelete: "set null" }),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    usedAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("invites_user_idx").on(t.userId)],
);
export type Invite = typeof invites.$inferSelect;
export type NewInvite = typeof invites.$inferInsert;

export const apiTokens = pgTable(
  "api_tokens",
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text().notNull(),
    /** SHA-256 of the token: tokens are long random strings, so a fast hash is enough and lookups stay indexed. */
    tokenHash: text().notNull().unique(),
    /** First characters, shown in the UI so people can tell tokens apart. */
    prefix: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lastUsedAt: timestamp({ withTimezone: true }),
    revokedAt: timestamp({ withTimezone: true }),
  },
  (t) => [index("api_tokens_user_idx").on(t.userId)],
);
export type ApiToken = typeof apiTokens.$inferSelect;
export type NewApiToken = typeof apiTokens.$inferInsert;

/** Failed sign-ins, keyed by "ip:<addr>" or "account:<email>", for rate limiting across processes. */
export const loginFailures = pgTable(
  "login_failures",
  {
    id: uuid().primaryKey().defaultRandom(),
    key: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("login_failures_key_time_idx").on(t.key, t.createdAt)],
);
export type LoginFailure = typeof loginFailures.$inferSelect;
export type NewLoginFailure = typeof loginFailures.$inferInsert;
