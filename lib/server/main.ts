import next from "next";
import { closeDb } from "@/lib/db/client";
import { env } from "@/lib/env";
import { childLogger } from "@/lib/log";
import { ensureInitialAdmin } from "@/lib/users/bootstrap";
import { fastPaths } from "./fast-paths";
import { closeGracefully, createWebServer } from "./http-server";
import { hlsScript, nextStatic } from "./static-files";

/**
 * The web process (started by the launcher): one Node HTTP server on PORT in front of Next.
 * Run alone with `node --import tsx lib/server/main.ts` when the database and secrets are configured.
 */

const log = childLogger("web");
const dev = env.NODE_ENV === "development";
// Requests reach `handle` only after listen(), which waits for prepare().
const server = createWebServer({ fastPaths, fallback: (req, res) => handle(req, res), log });
const app = next({ dev, dir: process.cwd(), hostname: "localhost", port: env.PORT, httpServer: server });
const handle = app.getRequestHandler();

let stopping = false;
async function shutdown(reason: string) {
  if (stopping) return;
  stopping = true;
  log.info({ reason }, "web server stopping");
  await closeGracefully(server, 10_000);
  await app.close().catch(() => undefined);
  await closeDb();
  process.exit(0);
}
process.once("SIGTERM", () => void shutdown("SIGTERM"));
process.once("SIGINT", () => void shutdown("SIGINT"));
// The launcher went away (even by kill -9): do not linger holding the port.
process.once("disconnect", () => void shutdown("launcher gone"));

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
