import dns from "node:dns";
import http, { type IncomingMessage } from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import type { DuplexOptions } from "node:stream";
import { LRUCache } from "lru-cache";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { toWebHeaders } from "@/lib/http/node-headers";
import { checkAddress, ipLiteral, isLoopback } from "./address";
import { DEFAULT_FETCH_POLICY, type FetchPolicy } from "./policy";

/**
 * Outbound HTTP(S) to URLs that users typed, without letting them reach the operator's network (SSRF).
 * For every hop: http/https only, no credentials in the URL, an allowed port, the host resolved ONCE
 * and every resolved address checked (lib/net/address.ts), then the socket connects to exactly those
 * checked addresses through a pinned `lookup` — DNS is never asked again between check and connect,
 * so a rebinding resolver gains nothing. Redirects are followed by hand and each one is re-checked.
 * What an admin may widen (ports, named private hosts) comes in as a `FetchPolicy` (./policy.ts).
 */

export type ResolvedAddress = { address: string; family: 4 | 6 };
/** Hostname → addresses. The default asks the system resolver (hosts file, then DNS); tests inject their own. */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export const MAX_REDIRECTS = 5;

export type SafeFetchOptions = {
  method?: "GET" | "HEAD";
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** At most this many redirects are followed (default 5); one more is an error. */
  maxRedirects?: number;
  /** Ports beyond 80/443 and named private hosts an admin allowed (./policy.ts); the default allows neither. */
  policy?: FetchPolicy;
  resolve?: Resolver;
  /** Test-only escape hatch (REEL_UNSAFE_ALLOW_LOOPBACK_FETCH): loopback addresses, on any port, pass. */
  allowLoopback?: boolean;
  connectTimeoutMs?: number;
  /**
   * Reuse connections (the link proxy's many range requests): only those connected to the addresses this
   * request's host was just resolved to and checked against (see `poolFor`).
   */
  keepAlive?: boolean;
  /** The socket may stay silent this long (while connecting, waiting for headers, or streaming the body). */
  idleTimeoutMs?: number;
};

export type SafeResponse = {
  /** The URL that answered, after redirects. */
  url: string;
  status: number;
  headers: Headers;
  /** The body as a Node stream; the caller must consume or destroy it. */
  body: IncomingMessage;
  /** The checked address the socket connected to. */
  address: string;
  redirects: string[];
};

/**
 * The system resolver's answers are kept a few seconds: a player's range requests would otherwise each wait on
 * getaddrinfo (a thread-pool hop, and often a DNS round trip). getaddrinfo gives no TTL, so the bound is ours and
 * short, so a moved host is followed quickly. A kept answer is still checked on every use like a fresh one (the
 * admin's policy may have changed), and the connection still goes to exactly the addresses checked.
 */
export const DNS_CACHE_MS = 10_000;
const dnsCache = new LRUCache<string, ResolvedAddress[]>({ max: 1_000, ttl: DNS_CACHE_MS });

const systemResolver: Resolver = async (hostname) => {
  const key = hostname.toLowerCase();
  const known = dnsCache.get(key);
  if (known) return known;
  const found = await dns.promises.lookup(hostname, { all: true, verbatim: true });
  const addresses = found.map((a): ResolvedAddress => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
  dnsCache.set(key, addresses);
  return addresses;
};

/** What the URL says is wrong (400) vs where it points is not allowed (403) vs the host cannot be found (502-ish). */
const refusalCodes = { syntax: "bad_request", scheme: "bad_request", credentials: "bad_request", address: "forbidden", port: "forbidden", redirects: "bad_gateway", dns: "bad_gateway" } as const;
export type RefusalReason = keyof typeof refusalCodes;

function refused(reason: RefusalReason, message: string): AppError {
  return new AppError(refusalCodes[reason], message, { refused: reason });
}

/** Scheme, credentials and syntax; throws a 400 AppError that says what is wrong. */
export function parseFetchUrl(input: string | URL): URL {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw refused("syntax", "That is not a valid URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw refused("scheme", `Only http and https URLs can be fetched, not ${url.protocol.replace(/:$/, "")}`);
  }
  if (url.username || url.password) throw refused("credentials", "URLs with a user name or password are not allowed");
  if (!url.hostname) throw refused("syntax", "The URL has no host");
  return url;
}

export function portOf(url: URL): number {
  return url.port ? Number(url.port) : url.protocol === "https:" ? 443 : 80;
}

/** Resolves the URL's host and checks every address; returns them for the pinned connection. */
export async function checkedAddresses(url: URL, options: SafeFetchOptions = {}): Promise<ResolvedAddress[]> {
  const allowLoopback = options.allowLoopback ?? env.REEL_UNSAFE_ALLOW_LOOPBACK_FETCH;
  const policy = options.policy ?? DEFAULT_FETCH_POLICY;
  const literal = ipLiteral(url.hostname);
  // Only a host NAME an admin listed may be private: a literal address or another name redirected to is not.
  const allowPrivate = !literal && policy.privateHosts.includes(url.hostname.toLowerCase());
  let addresses: ResolvedAddress[];
  if (literal) {
    addresses = [{ address: literal, family: literal.includes(":") ? 6 : 4 }];
  } else {
    try {
      addresses = await (options.resolve ?? systemResolver)(url.hostname);
    } catch {
      throw refused("dns", `The host ${url.hostname} could not be resolved`);
    }
    if (addresses.length === 0) throw refused("dns", `The host ${url.hostname} has no addresses`);
  }
  for (const { address } of addresses) {
    const verdict = checkAddress(address, { allowLoopback, allowPrivate });
    if (!verdict.allowed) {
      const via = literal ? "" : ` (${url.hostname} resolves to ${address})`;
      throw refused("address", `Fetching ${url.host} is not allowed: ${verdict.reason}${via}`);
    }
  }
  const port = portOf(url);
  const ports = [80, 443, ...policy.ports];
  const loopbackOnly = allowLoopback && addresses.every((a) => isLoopback(a.address));
  if (!ports.includes(port) && !loopbackOnly) {
    throw refused("port", `Port ${port} is not allowed; allowed ports: ${ports.join(", ")}`);
  }
  return addresses;
}

function pinnedLookup(addresses: ResolvedAddress[]): LookupFunction {
  return (_hostname, options, callback) => {
    const wanted = options.family === 4 || options.family === 6 ? addresses.filter((a) => a.family === options.family) : addresses;
    const list = wanted.length > 0 ? wanted : addresses;
    if (options.all) (callback as (e: null, a: ResolvedAddress[]) => void)(null, list);
    else callback(null, list[0].address, list[0].family);
  };
}

/**
 * Kept-alive connections, one pool per protocol and set of checked addresses: a pooled socket is reused only for
 * a request whose host resolved, and passed the checks, to the very addresses it was connected to. A host that
 * moves gets a new pool; the old one's idle sockets are closed when it falls out.
 */
const pools = new LRUCache<string, http.Agent>({
  max: 256,
  // Sockets still streaming finish; back in the dropped pool, they close after its idle timeout.
  dispose: (agent) => Object.values(agent.freeSockets).forEach((sockets) => sockets?.forEach((socket) => socket.destroy())),
});

function poolFor(url: URL, addresses: ResolvedAddress[]): http.Agent {
  const key = `${url.protocol} ${addresses.map((a) => a.address).join(" ")}`;
  let agent = pools.get(key);
  if (!agent) {
    // Idle pooled sockets close before common servers' keep-alive timeouts (nginx 75 s, Node 5 s) end them under us.
    const options = { keepAlive: true, maxSockets: 256, maxFreeSockets: 64, timeout: 4_000 };
    agent = url.protocol === "https:" ? new https.Agent(options) : new http.Agent(options);
    pools.set(key, agent);
  }
  return agent;
}

/**
 * How far a response body is read ahead of its consumer (Node 20's default is 16 KiB). Bodies arrive in chunks of up
 * to 64 KiB, so at 16 KiB the socket stopped reading after every chunk until the consumer caught up; the link proxy
 * then moved one chunk at a time. This bounds the memory one upstream response holds.
 */
const READ_AHEAD_BYTES = 1024 * 1024;
/** Request options are passed on to the socket (net.Socket takes stream options); the response stream takes its high-water mark from the socket. */
const READ_AHEAD: Pick<DuplexOptions, "readableHighWaterMark"> = { readableHighWaterMark: READ_AHEAD_BYTES };

function request(url: URL, addresses: ResolvedAddress[], options: SafeFetchOptions): Promise<IncomingMessage> {
  const transport = url.protocol === "https:" ? https : http;
  const connectTimeout = options.connectTimeoutMs ?? 15_000;
  const idleTimeout = options.idleTimeoutMs ?? 60_000;
  return new Promise((resolve, reject) => {
    const req = transport.request({
      protocol: url.protocol,
      // The name, not the address: TLS checks the certificate (and sends SNI) for it; `lookup` supplies the address.
      hostname: ipLiteral(url.hostname) ?? url.hostname,
      port: portOf(url),
      path: `${url.pathname}${url.search}`,
      method: options.method ?? "GET",
      headers: { "user-agent": "Reel", ...options.headers },
      lookup: pinnedLookup(addresses),
      ...READ_AHEAD,
      agent: options.keepAlive ? poolFor(url, addresses) : false,
      signal: options.signal,
    });
    const connectTimer = setTimeout(() => req.destroy(new AppError("gateway_timeout", `Connecting to ${url.host} timed out`, { refused: "timeout" })), connectTimeout);
    req.on("socket", (socket) => {
      // A pooled socket is connected already.
      if (!socket.connecting) clearTimeout(connectTimer);
      else socket.once(url.protocol === "https:" ? "secureConnect" : "connect", () => clearTimeout(connectTimer));
    });
    req.setTimeout(idleTimeout, () => req.destroy(new AppError("gateway_timeout", `${url.host} stopped responding`, { refused: "timeout" })));
    req.on("response", (res) => {
      clearTimeout(connectTimer);
      resolve(res);
    });
    req.on("error", (error) => {
      clearTimeout(connectTimer);
      reject(error instanceof AppError || error.name === "AbortError" ? error : new AppError("bad_gateway", `Could not fetch ${url.host}: ${error.message}`, { refused: "upstream" }));
    });
    req.end();
  });
}

/** Headers that must not follow a redirect to another origin. */
const CREDENTIAL_HEADERS = ["authorization", "cookie", "proxy-authorization"];

export async function safeFetch(input: string | URL, options: SafeFetchOptions = {}): Promise<SafeResponse> {
  const maxRedirects = options.maxRedirects ?? MAX_REDIRECTS;
  let url = parseFetchUrl(input);
  let headers = { ...options.headers };
  const redirects: string[] = [];
  for (;;) {
    const addresses = await checkedAddresses(url, options);
    const res = await request(url, addresses, { ...options, headers });
    const location = res.headers.location;
    if (res.statusCode && [301, 302, 303, 307, 308].includes(res.statusCode) && location) {
      res.resume();
      if (redirects.length >= maxRedirects) throw refused("redirects", `Too many redirects (more than ${maxRedirects})`);
      let next: URL;
      try {
        next = parseFetchUrl(new URL(location, url));
      } catch (error) {
        throw error instanceof AppError ? new AppError(error.code, `Redirect refused: ${error.message}`, error.details) : error;
      }
      if (next.origin !== url.origin) {
        headers = Object.fromEntries(Object.entries(headers).filter(([k]) => !CREDENTIAL_HEADERS.includes(k.toLowerCase())));
      }
      redirects.push(next.href);
      url = next;
      continue;
    }
    return {
      url: url.href,
      status: res.statusCode ?? 0,
      headers: toWebHeaders(res.headers),
      body: res,
      address: res.socket?.remoteAddress ?? addresses[0].address,
      redirects,
    };
  }
}
