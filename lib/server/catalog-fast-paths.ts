import type { IncomingMessage, ServerResponse } from "node:http";
import { toWebHeaders } from "@/lib/http/node-headers";
import { CACHED_PAGES } from "@/lib/library/cached-pages";
import { listVideos } from "@/lib/library/http";
import { childLogger } from "@/lib/log";
import { CACHED_STATS_PAGES, STATS_PAGE_CACHE_MS } from "@/lib/stats/freshness";
import type { FastPath } from "./fast-path";
import { refreshPage, takeRefreshMark } from "./page-refresh";
import { acceptsGzip, cacheEnabled, cacheScope, captureResponse, making, sendCachedOrWait, sendFresh, store, type CacheScope } from "./response-cache";

const log = childLogger("library");

const notKept = (error: unknown) => log.warn({ err: error }, "could not keep a rendered list");

function keep(key: string, scope: CacheScope, status: number, headers: Record<string, string>, body: Buffer, gzipped?: Buffer) {
  store(key, scope, status, headers, body, gzipped).catch(notKept);
}

/**
 * `GET /api/videos` answered by Reel's Node server before Next: search-as-you-type and infinite scroll
 * call it constantly, and a Next route handler costs more than the query itself. The same handler as
 * the Next route (route(): authentication, zod, errors), fed a web Request built from the Node one; its
 * answers are kept per viewer (./response-cache.ts).
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
    const scope = cacheEnabled() ? await cacheScope(req.headers) : null;
    const key = `api ${scope?.key} ${req.url}`;
    if (scope) {
      // A list that lacks only new videos or fresh counts is sent as it is while this makes the new one, after the answer.
      const refresh = () => answer(req).then(({ status, headers, body }) => store(key, scope, status, headers, body)).catch(notKept);
      if (await sendCachedOrWait(req, res, key, scope, refresh)) return;
    }
    const made = scope && making(key, scope, res);
    try {
      const { status, headers, body } = await answer(req);
      const gzipped = await sendFresh(req, res, status, headers, body);
      if (scope) keep(key, scope, status, headers, body, gzipped);
    } finally {
      made?.();
    }
  },
};

/** The list API's answer to `req`, by the same handler as the Next route. */
async function answer(req: IncomingMessage) {
  // Only the path and query matter to the handler; the host is not trusted for anything.
  const response = await listVideos(new Request(new URL(req.url ?? "/", "http://reel.internal"), { headers: toWebHeaders(req.headers) }));
  const body = Buffer.from(await response.arrayBuffer());
  const headers: Record<string, string> = Object.fromEntries(response.headers);
  headers["cache-control"] = "private, no-store";
  return { status: response.status, headers, body };
}

/** Requests Next's client router makes for the same URL (RSC payloads, prefetches, server actions): Next's own. */
export function isRouterRequest(req: IncomingMessage): boolean {
  const h = req.headers;
  return Boolean(h.rsc || h["next-action"] || h["next-router-prefetch"] || h["next-router-state-tree"] || h["next-router-segment-prefetch"]) || /[?&]_rsc=/.test(req.url ?? "");
}

/**
 * The browsing pages (home, catalog, tag pages) as full HTML documents: rendered by Next on a miss and
 * kept per viewer, so a repeated visit skips React rendering (~15 ms of CPU per page) as well as the
 * queries; the statistics pages and tables the same way, fresh for `maxAgeMs`, then sent stale while one
 * render in the background (./page-refresh.ts) replaces them. Next renders an identity body for the copy;
 * misses and hits alike are sent gzipped to browsers that accept it.
 */
function cachedPage(prefix: string, exact: boolean, maxAgeMs?: number): FastPath {
  return {
    prefix,
    exact,
    async handle(req, res, next) {
      const refreshing = takeRefreshMark(req);
      if (!cacheEnabled() || req.method !== "GET" || isRouterRequest(req)) return next(req, res);
      const scope = await cacheScope(req.headers);
      const key = `page ${scope.key} ${req.url}`;
      // A page with a max age of its own is replaced in the background; the others by the next request's render.
      const refresh = maxAgeMs === undefined ? undefined : () => refreshPage(req).catch((error: unknown) => log.warn({ err: error, key }, "could not refresh a kept page"));
      if (!refreshing && (await sendCachedOrWait(req, res, key, scope, refresh))) return;
      const made = making(key, scope, res);
      if (maxAgeMs !== undefined) {
        await renderTurn(res);
        if (res.destroyed) return;
      }
      const gzip = acceptsGzip(req);
      delete req.headers["accept-encoding"];
      captureResponse(res, gzip, (status, headers, body, gzipped) => {
        keep(key, { ...scope, maxAgeMs }, status, headers, body, gzipped);
        made();
      });
      res.setHeader("x-reel-cache", "miss");
      return next(req, res);
    },
  };
}

/** The end of the statistics render asked for last (renderTurn). */
let lastStatsRender: Promise<void> = Promise.resolve();
/** A render that takes longer than this from its turn (a query stuck on a lock) lets the next one start all the same. */
const STATS_RENDER_TURN_MS = 30_000;

/**
 * Waits until the statistics renders asked for before this one have ended; this one ends with `res`. One at a time
 * in the process, first visits and background refreshes alike: the pages are kept per viewer, so several admins
 * opening one together make a render each, and those renders at once held every answer behind them for as long as
 * all of them took (bench:stats, 8 admins opening the 30-day per-video page: the longest answer 0.3–1.3 s, against
 * 0.1–0.2 s one after another).
 */
function renderTurn(res: ServerResponse): Promise<void> {
  const before = lastStatsRender;
  const closed = new Promise<void>((resolve) => res.once("close", () => resolve()));
  lastStatsRender = before.then(() => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, STATS_RENDER_TURN_MS).unref()));
    return Promise.race([closed, late]).finally(() => clearTimeout(timer));
  });
  return before;
}

export const cachedPageFastPaths: FastPath[] = [
  ...Object.values(CACHED_PAGES).map((page) => cachedPage(page.path, !page.folder)),
  ...CACHED_STATS_PAGES.map((page) => cachedPage(page.path, !page.folder, STATS_PAGE_CACHE_MS)),
];
