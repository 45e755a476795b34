import type { IncomingMessage, ServerResponse } from "node:http";
import { postQoeNode } from "@/lib/stats/http";
import type { FastPath } from "./fast-path";

/**
 * `POST /api/qoe` answered by Reel's Node server before Next: every playing viewer sends a report every few seconds,
 * and a Next route handler costs several times the handler itself. The same checks as the Next route (authentication,
 * same-origin check, zod, body limit, errors), on the Node request and response (lib/guards/node-route.ts).
 */
export const qoeFastPath: FastPath = {
  prefix: "/api/qoe",
  exact: true,
  async handle(req: IncomingMessage, res: ServerResponse) {
    if (req.method !== "POST") {
      res.writeHead(405, { allow: "POST", "content-type": "application/json" }).end(JSON.stringify({ error: { code: "method_not_allowed", message: "Use POST" } }));
      return;
    }
    await postQoeNode(req, res);
  },
};
