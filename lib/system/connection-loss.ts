import type { Logger } from "pino";
import { hasAnyCode } from "@/lib/db/errors";

/** Socket errors of a database connection that went away (Postgres restarted or unreachable for a moment). */
const LOST_CONNECTION_CODES = new Set(["ECONNRESET", "ECONNREFUSED", "EPIPE", "ETIMEDOUT", "57P01", "57P02", "57P03"]);

/** Whether an error says a connection was lost, as opposed to a fault of the code that made the request. */
export function isConnectionLoss(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (hasAnyCode(error, LOST_CONNECTION_CODES)) return true;
  // node-postgres' own words when the server ends the connection under a query.
  return /^Connection terminated/.test(error.message);
}

/**
 * A worker keeps running when Postgres restarts: its pools and LISTEN connections reconnect by themselves. The queue
 * library's node-postgres client can leave the rejection of a query that the lost connection ended unobserved
 * (seen as a bare `read ECONNRESET` with no caller on its stack, which ended the worker while Postgres restarted), and
 * Node ends a process on an unobserved rejection. Such a rejection is logged and dropped here; any other one still ends
 * the process, as it would without this.
 */
export function survivePostgresRestarts(log: Logger) {
  process.on("unhandledRejection", (reason) => {
    if (!isConnectionLoss(reason)) throw reason;
    log.warn({ err: reason }, "a database request ended by a lost connection was not awaited; carrying on");
  });
}
