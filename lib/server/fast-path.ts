import type { IncomingMessage, ServerResponse } from "node:http";

/**
 * A path the Node server answers itself, before Next sees the request: hot byte paths where a Next route handler
 * costs too much (1 MiB ranges on loopback at 50 connections: plain Node ~1900 req/s, a Next route handler ~600; Next
 * also drops Content-Length from 206s). A handler owns the whole response, including authorisation and errors, unless
 * it hands the request on to Next. The registry is composed in ./main.ts.
 */
export type FastPath = {
  /** Matched against the start of the path, e.g. "/media/"; end it with "/" to match a folder. */
  prefix: string;
  /** Match the path exactly (e.g. "/api/videos" but not "/api/videos/<id>", which stays with Next). */
  exact?: boolean;
  /** `next` hands the request on to Next (for entries that answer only some requests themselves). */
  handle(req: IncomingMessage, res: ServerResponse, next: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>): void | Promise<void>;
};

export function matchFastPath(url: string | undefined, entries: readonly FastPath[]): FastPath | undefined {
  if (!url || entries.length === 0) return undefined;
  const query = url.indexOf("?");
  const pathname = query === -1 ? url : url.slice(0, query);
  return entries.find((entry) => (entry.exact ? pathname === entry.prefix : pathname.startsWith(entry.prefix)));
}
