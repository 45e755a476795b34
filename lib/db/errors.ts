/** Whether `error` is a Postgres error with this SQLSTATE, as postgres.js throws it or Drizzle wraps it (in `cause`). */
function hasCode(error: unknown, code: string): boolean {
  for (let e: unknown = error; e; e = (e as { cause?: unknown }).cause) {
    if ((e as { code?: string }).code === code) return true;
  }
  return false;
}

export const isUniqueViolation = (error: unknown) => hasCode(error, "23505");

/** A row refers to one that a concurrent transaction deleted (or that never existed). */
export const isForeignKeyViolation = (error: unknown) => hasCode(error, "23503");
