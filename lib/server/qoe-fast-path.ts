import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { toWebHeaders } from "@/lib/http/node-headers";
import { postQoe } from "@/lib/stats/http";
import type { FastPath } from "./fast-path";

/**
 * `POST /api/qoe` answered by Reel's Node server before Next: every playing viewer sends a report every few seconds,
 * and a Next route handler costs several times the handler itself. Same handler as the Next route (route():
 * authentication, same-origin check, zod, body limit, errors), fed a web Request built from the Node one.
 */
export const qoeFastPath: FastPath = {
  prefix: "/api/qoe",
  exact: true,
  async handle(req: IncomingMessage, res: ServerResponse) {
    if (req.method !== "POST") {
      res.writeHead(405, { allow: "POST", "content-type": "application/json" }).end(JSON.stringify({ error: { code: "method_not_allowed", message: "Use POST" } }));
      return;
    }
    const request = new Request(new URL(req.url ?? "/", "http://reel.internal"), {
      method: "POST",
      headers: toWebHeaders(req.headers),
      body: Readable.toWeb(req) as ReadableStream<Uint8Array>,
      duplex: "half",
    } as RequestInit);
    const response = await postQoe(request);
    const headers: Record<string, string> = Object.fromEntries(response.headers);
    res.writeHead(response.status, headers).end(Buffer.from(await response.arrayBuffer()));
  },
};
