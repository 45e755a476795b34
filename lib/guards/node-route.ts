import type { IncomingMessage, ServerResponse } from "node:http";
import type { z } from "zod";
import { authorize, type Access, type ViewerFor } from "@/lib/auth/access";
import { getRecentViewer, getViewer } from "@/lib/auth/session";
import type { HeaderSource } from "@/lib/http/forwarded";
import { nodeHeaderSource } from "@/lib/http/node-headers";
import { errorAnswer, parse, readJson } from "@/lib/http/request";
import { checkSameOrigin, DEFAULT_MAX_BODY } from "./route";

export type NodeHandler<A extends Access, B extends z.ZodType> = (input: { viewer: ViewerFor<A>; body: z.infer<B>; headers: HeaderSource }) => Promise<object | null | undefined | void>;

/**
 * route() (./route.ts) for a fast path of Reel's own Node server: the same checks and answers — caller, same-origin
 * rule, access, zod over a bounded JSON body, AppErrors as JSON, anything else a logged 500 — read from and written
 * to the Node request and response directly. Building a Fetch Request and Response around each call cost more than
 * the handler of a small, frequent POST (the playback reports) itself.
 */
export function nodeRoute<A extends Access, B extends z.ZodType>(options: { access: A; body: B; maxBodyBytes?: number; recentViewer?: boolean }, handler: NodeHandler<A, B>) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const headers = nodeHeaderSource(req.headers);
    const method = req.method ?? "GET";
    try {
      const found = options.access === "anyone" ? null : await (options.recentViewer ? getRecentViewer(headers) : getViewer(headers));
      checkSameOrigin(method, headers, found);
      const viewer = authorize(found, options.access);
      const body = parse(options.body, await readJson(req, options.maxBodyBytes ?? DEFAULT_MAX_BODY), "body");
      const result = await handler({ viewer, body, headers });
      if (result === null || result === undefined) {
        res.writeHead(204, { "cache-control": "private, no-store" }).end();
        return;
      }
      const json = JSON.stringify(result);
      res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(json), "cache-control": "private, no-store" }).end(json);
    } catch (error) {
      const answer = errorAnswer(error, { method, path: req.url?.split("?")[0] });
      res.writeHead(answer.status, { ...answer.headers, "content-length": Buffer.byteLength(answer.body) }).end(answer.body);
    }
  };
}
