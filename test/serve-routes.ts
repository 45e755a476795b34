import http from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { createApiToken } from "../lib/auth/api-tokens";
import { createTestUser } from "./factories";

/** A test account with an API token, for clients that authenticate with `Authorization: Bearer` (tus, scripts). */
export async function createTokenUser(options: Parameters<typeof createTestUser>[0] = {}) {
  const user = await createTestUser(options);
  const { token } = await createApiToken(user.id, "test");
  return { user, token, authorization: `Bearer ${token}` };
}

type RouteModule = Partial<Record<string, (request: Request, context: { params: Promise<Record<string, string | string[] | undefined>> }) => Promise<Response>>>;

/**
 * A Node request handler that hands each request to the route-handler module whose path prefix
 * matches (the longest), with the same Web Request/Response they get from Next; `seen` records
 * every request. `routes` maps a path prefix to a module.
 */
export function routeDispatcher(routes: Record<string, RouteModule>) {
  const seen: { method: string; url: string; headers: http.IncomingHttpHeaders }[] = [];
  const prefixes = Object.keys(routes).sort((a, b) => b.length - a.length);
  async function dispatch(req: http.IncomingMessage, res: http.ServerResponse) {
    seen.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers });
    const prefix = prefixes.find((p) => req.url?.startsWith(p));
    const handler = prefix ? routes[prefix][req.method ?? "GET"] : undefined;
    if (!handler) return void res.writeHead(404).end();
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(", ") : v);
    const hasBody = req.method !== "GET" && req.method !== "HEAD";
    const request = new Request(`http://${req.headers.host}${req.url}`, {
      method: req.method,
      headers,
      body: hasBody ? (Readable.toWeb(req) as ReadableStream) : undefined,
      duplex: "half",
    } as RequestInit);
    try {
      const response = await handler(request, { params: Promise.resolve({}) });
      res.writeHead(response.status, Object.fromEntries(response.headers));
      if (response.body && req.method !== "HEAD") Readable.fromWeb(response.body as never).pipe(res);
      else res.end();
    } catch (error) {
      res.writeHead(500).end(String(error));
    }
  }
  return { dispatch, seen };
}

/** Serves route-handler modules over real HTTP on loopback, so tests drive them with real clients. */
export async function serveRoutes(routes: Record<string, RouteModule>, port = 0) {
  const { dispatch, seen } = routeDispatcher(routes);
  const server = http.createServer((req, res) => void dispatch(req, res));
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${actual}`,
    port: actual,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
