import next from "next";
import { env } from "@/lib/env";
import { childLogger } from "@/lib/log";
import { onShutdown } from "@/lib/system/shutdown";
import { ensureInitialAdmin } from "@/lib/users/bootstrap";
import { mediaFastPath } from "@/lib/media/node-adapter";
import { qoeIngest } from "@/lib/stats/qoe-ingest";
import { proxyFastPath } from "@/lib/proxy/node-adapter";
import { flushUsage } from "@/lib/proxy/usage";
import { cachedPageFastPaths, catalogFastPath } from "./catalog-fast-paths";
import type { FastPath } from "./fast-path";
import { closeGracefully, createWebServer } from "./http-server";
import { qoeFastPath } from "./qoe-fast-path";
import { hlsScriptFiles, nextStaticFiles } from "./static-files";
import { watchPageFastPath } from "./watch-page";

/**
 * The web process (started by the launcher): one Node HTTP server on PORT in front of Next.
 * Run alone with `node --import tsx lib/server/main.ts` when the database and secrets are configured.
 */

const log = childLogger("web");
const dev = env.NODE_ENV === "development";
const nextStatic = nextStaticFiles();
const hlsScript = hlsScriptFiles();
/** Paths this server answers before Next (./fast-path.ts): each area's entry is added here. */
const fastPaths: FastPath[] = [mediaFastPath, proxyFastPath, nextStatic, hlsScript, catalogFastPath, qoeFastPath, watchPageFastPath, ...cachedPageFastPaths];
// Requests reach `handle` only after listen(), which waits for prepare().
const server = createWebServer({ fastPaths, fallback: (req, res) => handle(req, res), log });
const app = next({ dev, dir: process.cwd(), hostname: "localhost", port: env.PORT, httpServer: server });
const handle = app.getRequestHandler();

onShutdown(log, "web server", async () => {
  await closeGracefully(server, 10_000);
  await app.close().catch(() => undefined);
  await flushUsage();
  // Playback reports accepted but not yet written.
  await qoeIngest.flush();
});

const admin = await ensureInitialAdmin();
if (admin.created) log.info({ email: admin.email }, `created the administrator ${admin.email} from REEL_ADMIN_EMAIL`);
// The build's scripts and styles are read and compressed while Next prepares, so the first page finds them ready.
await Promise.all([app.prepare(), nextStatic.warm(), hlsScript.warm()]);
// Node's default accept queue (511) overflows when a crowd arrives at once (1,000 viewers of a premiere): the
// kernel then drops connections, whose clients retry after 1 s, 3 s, 7 s. The kernel caps it at net.core.somaxconn.
server.listen({ port: env.PORT, host: env.HOST, backlog: 4096 }, () => {
  log.info({ port: env.PORT, host: env.HOST, dev, fastPaths: fastPaths.map((f) => f.prefix) }, "web server listening");
  process.send?.({ type: "ready" });
});
server.once("error", (error) => {
  log.fatal({ err: error }, `cannot listen on ${env.HOST}:${env.PORT}`);
  process.exit(1);
});
