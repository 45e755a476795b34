import * as health from "@/app/api/health/route";
import * as uploads from "@/app/api/uploads/[[...path]]/route";
import { env } from "@/lib/env";
import { childLogger } from "@/lib/log";
import { mediaFastPath } from "@/lib/media/node-adapter";
import { cachedPageFastPaths, catalogFastPath } from "@/lib/server/catalog-fast-paths";
import { createWebServer } from "@/lib/server/http-server";
import { routeDispatcher } from "./serve-routes";

/**
 * Reel's web process for fault tests (started by ./web-process.ts): the same Node HTTP server as
 * lib/server/main.ts, with every fast path but the build's static files, and the real route handlers
 * of the endpoints the tests drive in place of Next's request handler (vitest runs before the
 * production build exists). What a fault test proves (upload state on disk, database pool, queue)
 * lives below Next either way.
 */
const log = childLogger("web");
const { dispatch } = routeDispatcher({ "/api/uploads": uploads, "/api/health": health });
const server = createWebServer({ fastPaths: [mediaFastPath, catalogFastPath, ...cachedPageFastPaths], fallback: dispatch, log });
server.listen(env.PORT, env.HOST, () => process.send?.({ type: "ready" }));
// The test went away: do not linger holding the port.
process.once("disconnect", () => process.exit(0));
