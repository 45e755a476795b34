import { createWebProxyHandler } from "@/lib/proxy/web-adapter";

/**
 * `/proxy/<token>/<linkId>/…` (Play a link) where only Next runs. The signed token and sealed reference in the
 * path are the authorisation (lib/proxy/paths.ts, no database), so this does not go through route(). The
 * self-hosted server answers these paths before Next (lib/proxy/node-adapter.ts).
 */
export const dynamic = "force-dynamic";

const serveProxyRequest = createWebProxyHandler();

export const GET = serveProxyRequest;
export const HEAD = serveProxyRequest;
