import type { IncomingMessage, ServerResponse } from "node:http";
import type { FastPath } from "@/lib/server/fast-paths";
import { listVideos } from "./http";

/**
 * `GET /api/videos` answered by Reel's Node server before Next: search-as-you-type and infinite scroll
 * call it constantly, and a Next route handler costs more than the query itself. The same handler as
 * the Next route (route(): authentication, zod, errors), fed a web Request built from the Node one.
 */
export const catalogFastPath: FastPath = {
  prefix: "/api/videos",
  exact: true,
  async handle(req: IncomingMessage, res: ServerResponse) {
    if (req.method !== "GET" && req.method !== "HEAD") {
      res
        .writeHead(405, { allow: "GET, HEAD", "content-type": "application/json" })
        .end(JSON.stringify({ error: { code: "method_not_allowed", message: "Use GET" } }));
      return;
    }
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
    }
    // Only the path and query matter to the handler; the host is not trusted for anything.
    const response = await listVideos(new Request(new URL(req.url ?? "/", "http://reel.internal"), { headers }));
    const body = Buffer.from(await response.arrayBuffer());
    const out: Record<string, string | number> = Object.fromEntries(response.headers);
    out["content-length"] = body.length;
    out["cache-control"] = "private, no-store";
    res.writeHead(response.status, out).end(req.method === "HEAD" ? undefined : body);
  },
};
