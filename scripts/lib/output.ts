import pino, { type Logger } from "pino";
import pretty from "pino-pretty";

/**
 * Where the launcher and its children write: JSON lines for log collectors, or, on a terminal,
 * the same lines made readable by pino-pretty (lines that are not JSON, such as `next build`
 * output, pass through unchanged).
 */
export function createOutput(level: string): { root: Logger; childOutput?: (line: string) => void } {
  const options = { level, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime };
  if (!process.stdout.isTTY) {
    return { root: pino(options, pino.destination({ dest: 1, sync: true })) };
  }
  const stream = pretty({
    colorize: true,
    sync: true,
    translateTime: "SYS:HH:MM:ss.l",
    ignore: "pid,hostname,component",
    messageFormat: "{if component}[{component}] {end}{msg}",
  });
  return {
    root: pino(options, stream),
    childOutput: (line) => stream.write(line + "\n"),
  };
}
