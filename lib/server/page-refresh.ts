import { randomBytes, timingSafeEqual } from "node:crypto";
import http, { type IncomingMessage } from "node:http";

/**
 * Background renders of kept pages (./response-cache.ts, sendCachedOrWait): the server asks itself for the page
 * again, as the viewer whose request found it stale (their credentials, so Next authorises and renders for them as
 * for any request), over loopback to the address that request came in on. It is the server's request, not the
 * viewer's: it says it comes from the server's own address, also to trusted proxies' X-Forwarded-For
 * (lib/auth/client-ip.ts), so limits per address never count it against the viewer's. The request carries a secret
 * of this process, so that only the server's own refresh skips the cache; anyone else's header is removed and ignored.
 */

const REFRESH_HEADER = "x-reel-refresh";
const TOKEN = randomBytes(32);
/** A refresh that takes longer is given up (the stale copy stays until the cache's own expiry). */
const REFRESH_TIMEOUT_MS = 30_000;
/**
 * Headers of the original request that belong to its own connection, ask for an encoding the refresh discards, or
 * name the client's address.
 */
const NOT_REPLAYED = new Set(["connection", "keep-alive", "content-length", "transfer-encoding", "accept-encoding", "upgrade", "x-forwarded-for", "forwarded", "x-real-ip", REFRESH_HEADER]);

/** Whether `req` is this server's own refresh of a page; removes the header either way. */
export function takeRefreshMark(req: IncomingMessage): boolean {
  const value = req.headers[REFRESH_HEADER];
  if (value === undefined) return false;
  delete req.headers[REFRESH_HEADER];
  const given = Buffer.from(typeof value === "string" ? value : "", "hex");
  return given.length === TOKEN.length && timingSafeEqual(given, TOKEN);
}

/** Requests `req`'s page again from this server as a refresh; resolves once it has been answered in full. */
export function refreshPage(req: IncomingMessage): Promise<void> {
  const headers: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(req.headers)) if (!NOT_REPLAYED.has(name)) headers[name] = value;
  headers[REFRESH_HEADER] = TOKEN.toString("hex");
  const { localAddress, localPort } = req.socket;
  // Loopback: the refresh's connection comes from the address it goes to.
  if (localAddress) headers["x-forwarded-for"] = localAddress;
  return new Promise((resolve, reject) => {
    const request = http.request({ host: localAddress, port: localPort, path: req.url, method: "GET", headers, agent: false, timeout: REFRESH_TIMEOUT_MS }, (res) => {
      res.resume();
      res.once("end", resolve);
      res.once("error", reject);
    });
    request.once("timeout", () => request.destroy(new Error("page refresh timed out")));
    request.once("error", reject);
    request.end();
  });
}
