/**
 * Whether `error` carries one of these codes (a SQLSTATE, or a socket's errno code), as postgres.js throws it or
 * Drizzle wraps it (in `cause`).
 */
export function hasAnyCode(error: unknown, codes: ReadonlySet<string>): boolean {
  for (let e: unknown = error; e; e = (e as { cause?: unknown }).cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && codes.has(code)) return true;
  }
  return false;
}

const hasCode = (error: unknown, code: string) => hasAnyCode(error, new Set([code]));

export const isUniqueViolation = (error: unknown) => hasCode(error, "23505");

/** A row refers to one that a concurrent transaction deleted (or that never existed). */
export const isForeignKeyViolation = (error: unknown) => hasCode(error, "23503");

/** Postgres ended this transaction to break a deadlock; its manual's advice is to run the transaction again. */
export const isDeadlock = (error: unknown) => hasCode(error, "40P01");

/**
 * Runs `transaction` again, up to `attempts` times in all, when Postgres chose it as a deadlock's victim: a deletion
 * cascading through rows that a concurrent upsert holds (a user deleted while their player saves its position).
 */
export async function retryOnDeadlock<T>(transaction: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await transaction();
    } catch (error) {
      if (attempt >= attempts || !isDeadlock(error)) throw error;
    }
  }
}
