import pino from "pino";
import { env } from "@/lib/env";

/**
 * Structured logs (JSON lines) for machines; the launcher pipes its children through
 * pino-pretty when the output is a terminal, so people read them easily.
 */
export const logger = pino({
  level: env.LOG_LEVEL,
  base: { pid: process.pid },
  timestamp: pino.stdTimeFunctions.isoTime,
});

export function childLogger(component: string) {
  return logger.child({ component });
}
