import "server-only";
import type { IncomingMessage } from "node:http";
import { Transform, type Readable } from "node:stream";
import { env } from "@/lib/env";
import { isAppError } from "@/lib/errors";
import { childLogger } from "@/lib/log";
import { parseRange } from "@/lib/media/decision";
import { currentFetchPolicy } from "@/lib/net/current-policy";
import type { FetchPolicy } from "@/lib/net/policy";
import { fetchRange, RangeBody } from "@/lib/net/range-relay";
import { checkedAddresses, safeFetch, type SafeFetchOptions } from "@/lib/net/safe-fetch";
import { accelAnswer, accelMark, forgetTarget, knownTarget, learnTarget, requestedBytes, type AccelTarget } from "./accel";
import { isPlaylistText, rewritePlaylist } from "./hls";
import { ProxyLimiter } from "./limits";
import { parseProxyPath, proxyUri, type ProxyRef } from "./paths";
import { allowedContentType, baseType } from "./sniff";
import { countUsage, dailyLimitRefusal, secondsToNextDay } from "./usage";

/**
 * The link proxy's byte path, shared by the Node fast path (./node-adapter.ts) and the route handler
 * (app/proxy/[...path]/route.ts): check the path (token, sealed ref; no database), apply the limits, fetch the
 * upstream through the one fetch policy, and answer.
 *
 * Ranges: a single byte range is forwarded; the upstream's 206, 200 and 416 pass through with its Content-Range
 * and Content-Length. An upstream that answers 200 to a Range request (it ignores ranges) is handled by skipping
 * bytes up to the start and answering 206 ourselves, when it told its length; without a length the whole body
 * goes out as 200 with `Accept-Ranges: none`. Link validation reports such links as not seekable.
 * Once the upstream answered a range with a 206 and the file's size, the link's next ranges go to the URL that
 * answered over lib/net/range-relay.ts (checked the same way, far less CPU per byte); any other answer there sends
 * the request down the general path again, which learns anew.
 * Playlists are read whole (they are capped), rewritten (./hls.ts) and sent with an exact length.
 */

/** Playlists are text of a few kilobytes; a real one of 100,000 segments is ~5 MB. More is not a playlist. */
export const MAX_PLAYLIST_BYTES = 4 * 1024 * 1024;
/** Live playlists change every target duration: browsers may keep one this long. */
const LIVE_PLAYLIST_MAX_AGE = 1;

const log = childLogger("proxy");
export const proxyLimiter = new ProxyLimiter();

export type ProxyRequest = {
  /** The path after `/proxy/`, without the query. */
  path: string;
  method: string;
  range: string | null;
  /** Aborted when the client goes away before the answer starts. */
  signal: AbortSignal;
  /**
   * The X-Reel-Accel header as received: nginx in front marks a request `front` (it may take the bytes) or `fallback`
   * (it sent the request back: the upstream answered something nginx may not pass on), with the secret (./accel.ts).
   */
  accelHeader?: string | null;
};

export type ProxyAnswer = {
  status: number;
  headers: Record<string, string>;
  /** A RangeBody is written to the response by its relay() (Node) or read through toReadable() (web). */
  body: Readable | Buffer | RangeBody | null;
  /** Call once when the response is over: `error` when it broke off (client gone, upstream cut). */
  settle(error?: Error | null): void;
};

export type ProxyOptions = Pick<SafeFetchOptions, "resolve" | "allowLoopback" | "connectTimeoutMs" | "idleTimeoutMs" | "policy"> & {
  maxBytes?: number;
  limiter?: ProxyLimiter;
  /** Bytes one person may have relayed per UTC day (0: no limit); by default the admin's setting. */
  dailyBytes?: number;
  /** Hand byte requests to nginx (./accel.ts); by default when REEL_ACCEL=nginx. */
  accel?: boolean;
  /** What nginx's marks must carry; by default REEL_ACCEL_SECRET. */
  accelSecret?: string;
};

const SINGLE_RANGE = /^bytes=(\d{1,15}-\d{0,15}|-\d{1,15})$/;

function text(status: number, reason: string, extra: Record<string, string> = {}): Omit<ProxyAnswer, "settle"> {
  const body = Buffer.from(`${reason}\n`);
  return {
    status,
    headers: { "content-type": "text/plain; charset=utf-8", "content-length": String(body.length), "cache-control": "no-store", ...extra },
    body,
  };
}

export async function proxy(req: ProxyRequest, options: ProxyOptions = {}): Promise<ProxyAnswer> {
  const started = Date.now();
  const parsed = parseProxyPath(req.path);
  if (!parsed.ok) return { ...text(parsed.status, parsed.reason), settle: () => undefined };
  const { linkId, ref } = parsed;
  const host = hostOf(ref.url);
  const fields = { userId: ref.userId, linkId, host, kind: ref.kind, range: req.range ?? undefined };
  if (req.method !== "GET" && req.method !== "HEAD") return { ...text(405, "method not allowed", { allow: "GET, HEAD" }), settle: () => undefined };

  try {
    const reason = await dailyLimitRefusal(ref.userId, options.dailyBytes);
    if (reason) {
      log.warn({ ...fields, status: 429, reason }, "proxy request refused");
      return { ...text(429, reason, { "retry-after": String(secondsToNextDay()) }), settle: () => undefined };
    }
  } catch (error) {
    // The limit is a statistic's: without the database for a moment, streams go on rather than all stopping.
    log.warn({ ...fields, err: error }, "daily limit unknown");
  }

  const limiter = options.limiter ?? proxyLimiter;
  const refusedBy = limiter.admit(ref.userId);
  if (refusedBy) {
    const reason = refusedBy === "streams" ? "too many streams open at once" : "too many requests";
    log.warn({ ...fields, status: 429, reason }, "proxy request refused");
    return { ...text(429, reason, { "retry-after": "1" }), settle: () => undefined };
  }

  let bytes = 0;
  let settled = false;
  const settle = (status: number, error?: Error | null, accel?: true) => {
    if (settled) return;
    settled = true;
    limiter.release(ref.userId);
    if (bytes > 0) countUsage(ref.userId, bytes);
    const reason = error ? describe(error) : undefined;
    log[reason ? "warn" : "info"]({ ...fields, status, bytes, ms: Date.now() - started, reason, accel }, "proxy stream");
  };
  const refuse = (status: number, reason: string): ProxyAnswer => {
    settle(status, new Error(reason));
    return { ...text(status, reason), settle: () => undefined };
  };

  try {
    const range = ref.kind === "bytes" && req.range && SINGLE_RANGE.test(req.range.trim()) ? req.range.trim() : null;
    const policy = options.policy ?? (await currentFetchPolicy());
    const accel = ref.kind === "bytes" && (options.accel ?? env.REEL_ACCEL === "nginx");
    const mark = accel ? accelMark(req.accelHeader, options.accelSecret ?? env.REEL_ACCEL_SECRET) : null;
    if (mark === "fallback") forgetTarget(ref.url);
    const target = mark === "front" ? knownTarget(ref.url) : undefined;
    if (target) {
      // The same policy on the address nginx will connect to, resolved now (throws a 403 AppError when refused).
      const [address] = await checkedAddresses(new URL(target.url), { policy, resolve: options.resolve, allowLoopback: options.allowLoopback });
      bytes = requestedBytes(req.method, range, target.size);
      settle(range ? 206 : 200, null, true);
      return { status: 200, headers: accelAnswer(target, address, range, linkId), body: null, settle: () => undefined };
    }
    const known = range && req.method === "GET" ? knownTarget(ref.url) : undefined;
    if (known && range) {
      const body = await relayRange(known, range, req.signal, policy, options);
      if (body) {
        return {
          status: 206,
          headers: { ...byteHeaders(body.headers.get("content-type") ?? null), "accept-ranges": "bytes", "content-range": body.headers.get("content-range")!, "content-length": String(body.length) },
          body,
          settle: (error) => {
            bytes = body.sent;
            settle(206, error);
          },
        };
      }
      forgetTarget(ref.url);
    }
    const upstream = await safeFetch(ref.url, {
      method: req.method === "HEAD" ? "HEAD" : "GET",
      headers: { accept: "*/*", "accept-encoding": "identity", ...(range ? { range } : {}) },
      signal: req.signal,
      policy,
      keepAlive: true,
      resolve: options.resolve,
      allowLoopback: options.allowLoopback,
      connectTimeoutMs: options.connectTimeoutMs ?? env.REEL_PROXY_CONNECT_TIMEOUT_SECONDS * 1000,
      idleTimeoutMs: options.idleTimeoutMs ?? env.REEL_PROXY_IDLE_TIMEOUT_SECONDS * 1000,
    });
    if (ref.kind === "playlist") {
      const answer = await playlist(upstream.body, upstream.url, upstream.status, parsed.base, linkId, ref);
      settle(answer.status, answer.status >= 400 ? new Error(String(answer.body).trim()) : null);
      return { ...answer, settle: () => undefined };
    }
    const answer = passBytes(upstream.body, upstream.status, upstream.headers, range, options.maxBytes ?? env.REEL_PROXY_MAX_BYTES);
    if ("refused" in answer) {
      upstream.body.destroy();
      return refuse(502, answer.refused);
    }
    // A range the upstream itself cut, of a file whose size it told: nginx may take this link's next requests.
    const total = /\/(\d+)$/.exec(answer.headers["content-range"] ?? "")?.[1];
    if (upstream.status === 206 && total) learnTarget(ref.url, { url: upstream.url, contentType: answer.headers["content-type"], size: Number(total) });
    if (answer.body && "on" in answer.body) answer.body.on("data", (chunk: Buffer) => (bytes += chunk.length));
    return { ...answer, settle: (error) => settle(answer.status, error) };
  } catch (error) {
    if (isAppError(error)) return refuse(error.status, error.message);
    if ((error as Error).name === "AbortError") {
      settle(499, new Error("client went away"));
      return { ...text(499, "client went away"), settle: () => undefined };
    }
    log.error({ ...fields, err: error }, "proxy request failed");
    return refuse(502, "upstream request failed");
  }
}

/** The upstream's answer to a byte request, as ours (see the header comment for ranges). */
function passBytes(
  body: IncomingMessage,
  status: number,
  upstream: Headers,
  range: string | null,
  maxBytes: number,
): Omit<ProxyAnswer, "settle"> | { refused: string } {
  const type = upstream.get("content-type");
  if (![200, 206, 416].includes(status)) return { refused: `the upstream server answered ${status}` };
  if (status !== 416 && !allowedContentType(type ?? "")) return { refused: `the upstream server sent ${baseType(type)}, not video` };
  const length = numberOrNull(upstream.get("content-length"));
  const headers = byteHeaders(type);
  if (status === 416) {
    body.resume();
    const total = upstream.get("content-range");
    return { status, headers: { ...headers, "content-length": "0", ...(total ? { "content-range": total } : {}) }, body: null };
  }
  if (status === 206) {
    const contentRange = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(upstream.get("content-range")?.trim() ?? "");
    if (!contentRange) return { refused: "the upstream server sent a partial answer without a valid Content-Range" };
    const total = contentRange[3] === "*" ? null : Number(contentRange[3]);
    if (total !== null && total > maxBytes) return { refused: `the file is larger than ${maxBytes} bytes` };
    const span = Number(contentRange[2]) - Number(contentRange[1]) + 1;
    if (length !== null && length !== span) return { refused: "the upstream server's Content-Length does not match its Content-Range" };
    return { status, headers: { ...headers, "accept-ranges": "bytes", "content-range": contentRange[0], "content-length": String(span) }, body };
  }
  // 200.
  if (length !== null && length > maxBytes) return { refused: `the file is larger than ${maxBytes} bytes` };
  if (range && length !== null && length > 0) {
    const wanted = parseRange(range, length);
    if (wanted === "unsatisfiable") {
      body.destroy();
      return { status: 416, headers: { ...headers, "content-length": "0", "content-range": `bytes */${length}` }, body: null };
    }
    if (wanted !== "ignore") {
      const [start, end] = wanted;
      return {
        status: 206,
        headers: { ...headers, "accept-ranges": "bytes", "content-range": `bytes ${start}-${end}/${length}`, "content-length": String(end - start + 1) },
        body: slice(body, start, end),
      };
    }
  }
  const ranges = length !== null && /\bbytes\b/i.test(upstream.get("accept-ranges") ?? "") ? "bytes" : "none";
  return {
    status: 200,
    headers: { ...headers, "accept-ranges": ranges, ...(length !== null ? { "content-length": String(length) } : {}) },
    body: length === null ? capped(body, maxBytes) : body,
  };
}

function byteHeaders(type: string | null): Record<string, string> {
  return { "content-type": type ? baseType(type) : "application/octet-stream", "cache-control": "private, max-age=3600", "x-content-type-options": "nosniff" };
}

/**
 * A range of a link whose upstream answered ranges before, from the URL that answered then (`target`), over the
 * relay; null when the answer there is anything but that file's 206 of a video type (the caller then takes the
 * general path). The fetch policy is applied to the target's host now, as for any hop.
 */
async function relayRange(target: AccelTarget, range: string, signal: AbortSignal, policy: FetchPolicy, options: ProxyOptions): Promise<RangeBody | null> {
  const url = new URL(target.url);
  const addresses = await checkedAddresses(url, { policy, resolve: options.resolve, allowLoopback: options.allowLoopback });
  const body = await fetchRange(url, addresses, {
    range,
    signal,
    connectTimeoutMs: options.connectTimeoutMs ?? env.REEL_PROXY_CONNECT_TIMEOUT_SECONDS * 1000,
    idleTimeoutMs: options.idleTimeoutMs ?? env.REEL_PROXY_IDLE_TIMEOUT_SECONDS * 1000,
  });
  if (!body) return null;
  const contentRange = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(body.headers.get("content-range") ?? "");
  const sameFile = contentRange !== null && Number(contentRange[3]) === target.size;
  const exact = contentRange !== null && Number(contentRange[2]) - Number(contentRange[1]) + 1 === body.length;
  if (!sameFile || !exact || !allowedContentType(body.headers.get("content-type") ?? "")) {
    body.destroy();
    return null;
  }
  return body;
}

/**
 * Fails the stream when more than `max` bytes arrive (an upstream without a length may send forever). With a
 * length, Node's HTTP parser stops there itself.
 */
function capped(body: IncomingMessage, max: number): Readable {
  if (max === Infinity) return body;
  let seen = 0;
  const cap = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.length;
      if (seen > max) return callback(new Error(`the upstream sent more than ${max} bytes`));
      callback(null, chunk);
    },
  });
  forwardErrors(body, cap);
  return body.pipe(cap);
}

/** Bytes start..end (inclusive) of the upstream body; what comes before is read and dropped, what comes after is never asked for. */
function slice(body: IncomingMessage, start: number, end: number): Readable {
  let at = 0;
  let done = false;
  const out = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      if (done) return callback();
      const from = Math.max(0, start - at);
      const to = Math.min(chunk.length, end - at + 1);
      at += chunk.length;
      if (from < to) this.push(chunk.subarray(from, to));
      if (at > end) {
        done = true;
        this.push(null);
        // Both sides end, so whoever waits for the whole stream to finish (Readable.toWeb) hears of it.
        body.unpipe(out);
        body.destroy();
        callback();
        out.end();
        return;
      }
      callback();
    },
  });
  body.once("error", (error) => done || out.destroy(error));
  body.once("aborted", () => done || out.destroy(new Error("the upstream connection broke off")));
  out.once("close", () => body.destroy());
  return body.pipe(out);
}

/** pipe() does not pass errors on; the response must break off when the upstream does. */
function forwardErrors(from: Readable, to: Transform): void {
  from.once("error", (error) => to.destroy(error));
  from.once("aborted", () => to.destroy(new Error("the upstream connection broke off")));
  to.once("close", () => from.destroy());
}

async function playlist(body: IncomingMessage, finalUrl: string, status: number, base: string, linkId: string, ref: ProxyRef): Promise<Omit<ProxyAnswer, "settle">> {
  if (status !== 200) {
    body.resume();
    return text(502, `the upstream server answered ${status}`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_PLAYLIST_BYTES) {
      body.destroy();
      return text(502, `the playlist is larger than ${MAX_PLAYLIST_BYTES} bytes`);
    }
    chunks.push(chunk);
  }
  const source = Buffer.concat(chunks).toString("utf8");
  if (!isPlaylistText(source)) return text(502, "the upstream server did not send an HLS playlist");
  const rewritten = rewritePlaylist(source, finalUrl, (url, kind) => proxyUri(base, { url, userId: ref.userId, kind }, linkId));
  const out = Buffer.from(rewritten.text);
  return {
    status: 200,
    headers: {
      "content-type": "application/vnd.apple.mpegurl",
      "content-length": String(out.length),
      "cache-control": rewritten.live ? `private, max-age=${LIVE_PLAYLIST_MAX_AGE}` : "private, max-age=3600",
    },
    body: out,
  };
}

function numberOrNull(value: string | null): number | null {
  return value !== null && /^\d{1,15}$/.test(value.trim()) ? Number(value) : null;
}

/** The host alone: logs never carry a path or query (they may hold secrets). */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "(invalid)";
  }
}

function describe(error: Error): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ERR_STREAM_PREMATURE_CLOSE") return "client went away";
  return error.message;
}
