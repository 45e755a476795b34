import type { Logger } from "pino";
import { closeDb } from "@/lib/db/client";

/**
 * How a process the launcher started stops: once, on SIGTERM or SIGINT, or when the launcher goes away (even by
 * kill -9: nothing may linger unsupervised, holding a port or taking jobs). `stop` runs, then the database pool
 * closes and the process exits. `stopping` tells start-up steps still under way not to take on more.
 */
export function onShutdown(log: Logger, name: string, stop: () => Promise<void>): { readonly stopping: boolean } {
  const state = { stopping: false };
  const shutdown = async (reason: string) => {
    if (state.stopping) return;
    state.stopping = true;
    log.info({ reason }, `${name} stopping`);
    await stop();
    await closeDb();
    process.exit(0);
  };
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
  process.once("SIGINT", () => void shutdown("SIGINT"));
  process.once("disconnect", () => void shutdown("launcher gone"));
  return state;
}
