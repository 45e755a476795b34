import type { ServerResponse } from "node:http";

/** A short plain-text error that is never cached, for the answers Reel's Node server writes itself. */
export function sendError(res: ServerResponse, status: number, reason: string, extra?: Record<string, string>): void {
  const body = `${reason}\n`;
  res.writeHead(status, {
    "content-type": "text/plain; charset=utf-8",
    "content-length": String(Buffer.byteLength(body)),
    "cache-control": "no-store",
    ...extra,
  });
  res.end(body);
}
