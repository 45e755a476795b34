import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import { StringDecoder } from "node:string_decoder";
import { promisify } from "node:util";
import zlib from "node:zlib";
import { LRUCache } from "lru-cache";
import { readCredential, sessionViewer, tokenViewer } from "@/lib/auth/session";
import type { Viewer } from "@/lib/auth/viewer";
import { env } from "@/lib/env";
import { inlineScriptHashes, withScriptHashes } from "@/lib/http/security-headers";
import { processCounters } from "@/lib/monitoring/counters";
import { cacheVersions, sessionUserWithVersions, type CacheVersions } from "./response-cache-queries";

/**
 * Rendered catalog pages and lists, kept per viewer and served by Reel's Node server without running the
 * query or React again. Triggers in Postgres bump version counters in the writing transaction, whichever
 * process wrote (drizzle/0003, drizzle/0007, drizzle/0015): the catalog's with every change to which videos a list
 * holds and how it shows them (removed, edited, made private or failed, guest access), the additions' with a new
 * video or one processing made playable or ready, the viewer's own with every favourite, rating and progress change,
 * and the counters' version with every view and rating count. An entry is served only while the catalog's and the
 * viewer's own are as it was made at, so once a video is made private or deleted no list shows it; it may lack
 * additions and counts while one render replaces it (sendCachedOrWait), and its counts may lag by up to
 * COUNTERS_STALE_MS, so that on a site where people are watching and uploading, a view or a finished upload does
 * not make readers wait for renders. A request costs the session check and one indexed lookup. Entries
 * also expire after MAX_AGE_MS: pages carry relative times and signed poster URLs.
 */

const MAX_AGE_MS = 60_000;
/** How long a kept list may go on showing view and rating counts (and the order by them) older than the database's. */
export const COUNTERS_STALE_MS = 10_000;
/** Larger answers are not kept (a catalog page is ~120 KB). */
const MAX_ENTRY_BYTES = 2 * 1024 * 1024;
/**
 * Hop-by-hop and per-response headers that are not replayed from a stored answer (the web server sets HSTS for each
 * request, as it came over HTTPS or not).
 */
const UNSTORED_HEADERS = new Set(["date", "connection", "keep-alive", "transfer-encoding", "content-length", "content-encoding", "strict-transport-security"]);

const gzip = promisify(zlib.gzip);

/** `gzipped` is the body as it was sent gzipped, or follows a moment after the entry is kept (compressed off the main thread). */
type Entry = Made & { headers: Record<string, string>; body: Buffer; gzipped?: Buffer };
/**
 * The versions an answer was made at, and when they were read (before it was made); `maxAgeMs` bounds how long an
 * answer whose content moves with time alone (statistics) is served.
 */
export type Made = CacheVersions & { at: number; maxAgeMs?: number };

const entries =
  env.REEL_RESPONSE_CACHE_MB > 0
    ? new LRUCache<string, Entry>({
        maxSize: env.REEL_RESPONSE_CACHE_MB * 1024 * 1024,
        sizeCalculation: (entry) => entry.body.length + (entry.gzipped?.length ?? 0) + 1024,
        ttl: MAX_AGE_MS,
      })
    : null;

/** Who is asking, and under which key and versions their answers are kept. */
export type CacheScope = Made & { viewer: Viewer | null; key: string };

/**
 * The viewer of a request and the versions their lists depend on: for a session cookie, the user row and the versions
 * in one statement (./response-cache-queries.ts), judged by auth's session rule. The key holds everything about the
 * viewer that a page shows or decides by (id, role, upload right, name, e-mail), so a changed account never meets an
 * answer made for its old self.
 */
export async function cacheScope(headers: IncomingHttpHeaders): Promise<CacheScope> {
  const at = Date.now();
  const credential = await readCredential(headers.authorization ?? null, () => headers.cookie ?? null);
  let viewer: Viewer | null = null;
  let versions: CacheVersions | undefined;
  if (credential && "session" in credential) {
    const found = await sessionUserWithVersions(credential.session.userId);
    viewer = found && sessionViewer(found.user, credential.session);
    versions = viewer ? found?.versions : found?.guest;
  } else if (credential) {
    viewer = await tokenViewer(credential.token);
  }
  versions ??= await cacheVersions(viewer?.id ?? null);
  const key = viewer ? JSON.stringify([viewer.id, viewer.role, viewer.canUpload, viewer.name, viewer.email]) : "guest";
  return { viewer, key, ...versions, at };
}

/**
 * Whether an answer made at `made` may be served to a request at `now` as current: the catalog's, the additions' and
 * the viewer's versions as they are, the counts as they are or read less than COUNTERS_STALE_MS before, and younger
 * than its own max age.
 */
export function servable(made: Made, now: Made): boolean {
  if (!laggable(made, now) || (made.maxAgeMs !== undefined && now.at - made.at >= made.maxAgeMs)) return false;
  return made.additions === now.additions && (made.counters === now.counters || now.at - made.at < COUNTERS_STALE_MS);
}

/**
 * Whether an answer that is not servable may still be sent while its replacement is made: it lacks only additions,
 * counts and the time past its own max age, never a change of the catalog's version (a video removed, made private,
 * edited) nor one of the viewer's own.
 */
export function laggable(made: Made, now: Made): boolean {
  return made.version === now.version;
}

export function cacheEnabled(): boolean {
  return entries !== null;
}

/** Whether the client takes gzip: every answer of the cache, hit or miss, goes out gzipped to those that do. */
export function acceptsGzip(req: IncomingMessage): boolean {
  return /\bgzip\b/.test(req.headers["accept-encoding"] ?? "");
}

/** Sends the stored answer for `key` if `scope` may be served it (servable); false when there is none. */
export function sendCached(req: IncomingMessage, res: ServerResponse, key: string, scope: Made): boolean {
  const entry = entries?.get(key);
  const hit = entry !== undefined && servable(entry, scope);
  if (entries) processCounters.countCache(hit);
  if (!hit) return false;
  send(req, res, entry, "hit");
  return true;
}

function send(req: IncomingMessage, res: ServerResponse, entry: Entry, cache: "hit" | "stale") {
  const gzipped = entry.gzipped && acceptsGzip(req) ? entry.gzipped : null;
  const body = gzipped ?? entry.body;
  res.writeHead(200, {
    ...entry.headers,
    ...(gzipped ? { "content-encoding": "gzip" } : {}),
    "content-length": body.length,
    "x-reel-cache": cache,
  });
  res.end(req.method === "HEAD" ? undefined : body);
}

/**
 * Keeps a 200 answer for `key` made at `made` (the versions read BEFORE the answer was made: a change that
 * lands in between bumps them past it, so the entry is never served stale). Answers that set
 * cookies are someone's session and never kept. `gzipped` is the body as it was sent, when it was sent gzipped.
 */
export async function store(key: string, made: Made, status: number, headers: Record<string, string>, body: Buffer, gzipped?: Buffer) {
  if (!entries || status !== 200 || body.length > MAX_ENTRY_BYTES) return;
  if (Object.keys(headers).some((name) => name.toLowerCase() === "set-cookie")) return;
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (!UNSTORED_HEADERS.has(name.toLowerCase())) kept[name] = value;
  if (!keepablePolicy(kept, body)) return;
  const entry: Entry = { version: made.version, additions: made.additions, counters: made.counters, at: made.at, maxAgeMs: made.maxAgeMs, headers: kept, body, gzipped };
  entries.set(key, entry);
  if (gzipped) return;
  const compressed = await gzip(body);
  // Set again (not mutated) so the cache counts the compressed copy's size; unless a newer entry replaced it.
  if (entries.peek(key) === entry) entries.set(key, { ...entry, gzipped: compressed });
}

/** Answers being made now, by key: a miss of the same key meanwhile waits for it instead of making it again. */
const flights = new Map<string, { version: string; done: Promise<void> }>();
/** Whether a background refresh (sendCachedOrWait's `refresh`) is under way. */
let refreshing = false;

/**
 * Sends the stored answer for `key` as sendCached does; when it lacks only additions, counts or time (laggable), a
 * crowd arriving after a finished upload, with the counts' time up or past a statistics page's max age costs one
 * render, not one each, and none of them waits for it: they are sent the copy being replaced (`x-reel-cache: stale`)
 * while one render makes the new one, `refresh` in the background when the caller gives one, or else the next
 * request's own. The copy is one this viewer was already shown, lacking no change of their own and nothing that was
 * since hidden, removed or edited; after such a change, a request that arrives while the new answer is made for the
 * same versions waits for it. False when the caller must make the answer itself: it then calls `making`. `refresh`
 * makes and keeps the answer and deals with its own errors.
 *
 * One background refresh at a time in the process: the copies of several viewers go stale together (an upload, the
 * same max age), and their renders at once would hold up every answer behind them. A copy left stale meanwhile is
 * still sent, and a later request of its key starts its refresh. A viewer waits for a render only when nothing they
 * may be sent is stored under their key (their first visit, after the cache's MAX_AGE_MS, or after a change of their
 * own or of the catalog's version).
 */
export async function sendCachedOrWait(
  req: IncomingMessage,
  res: ServerResponse,
  key: string,
  scope: Made,
  refresh?: () => Promise<void>,
): Promise<boolean> {
  if (sendCached(req, res, key, scope)) return true;
  const flight = flights.get(key);
  const replaced = entries?.peek(key);
  if (replaced && laggable(replaced, scope) && (flight || refresh)) {
    send(req, res, replaced, "stale");
    if (!flight && refresh && !refreshing) {
      refreshing = true;
      const end = startFlight(key, scope);
      const done = () => {
        refreshing = false;
        end();
      };
      refresh().then(done, done);
    }
    return true;
  }
  if (!flight || flight.version !== scope.version) return false;
  await flight.done;
  return sendCached(req, res, key, scope);
}

/**
 * Marks the answer for `key` as being made for `scope` until it is kept or given up: call the returned function
 * once it is stored (or will not be); the end of `res` ends it too (a client gone, an error).
 */
export function making(key: string, scope: Made, res: ServerResponse): () => void {
  const end = startFlight(key, scope);
  res.once("close", end);
  return end;
}

function startFlight(key: string, scope: Made): () => void {
  let finish!: () => void;
  const flight = { version: scope.version, done: new Promise<void>((resolve) => (finish = resolve)) };
  flights.set(key, flight);
  return () => {
    if (flights.get(key) === flight) flights.delete(key);
    finish();
  };
}

/**
 * Sends an answer made now (not by Next), gzipped to clients that take it, as a hit would be; resolves to the gzipped
 * body when one was sent.
 */
export async function sendFresh(req: IncomingMessage, res: ServerResponse, status: number, headers: Record<string, string>, body: Buffer) {
  const gzipped = acceptsGzip(req) && body.length > 0 ? await gzip(body) : undefined;
  const sent = gzipped ?? body;
  res.writeHead(status, { ...headers, ...(gzipped ? { "content-encoding": "gzip", vary: withVary(headers.vary) } : {}), "content-length": sent.length });
  res.end(req.method === "HEAD" ? undefined : sent);
  return gzipped;
}

/** A Vary header that also names Accept-Encoding (a gzipped body differs by it). */
function withVary(vary: string | number | string[] | undefined): string {
  const names = vary === undefined ? [] : String(vary).split(",").map((name) => name.trim()).filter(Boolean);
  return names.some((name) => name.toLowerCase() === "accept-encoding" || name === "*") ? names.join(", ") : [...names, "Accept-Encoding"].join(", ");
}

/**
 * A page's Content-Security-Policy allows its inline scripts by the nonce of the render (proxy.ts), which must not be
 * sent twice: the stored copy allows the same scripts by their hashes instead, so a hit costs no rewriting. A page
 * whose scripts cannot be hashed safely is not kept. Changes `headers` in place; false when the answer is not kept.
 */
function keepablePolicy(headers: Record<string, string>, body: Buffer): boolean {
  const name = Object.keys(headers).find((n) => n.toLowerCase() === "content-security-policy");
  if (!name) return true;
  const hashes = inlineScriptHashes(body.toString("utf8"));
  if (!hashes) return false;
  headers[name] = withScriptHashes(headers[name], hashes);
  return true;
}

/** Rewrites a text body as it streams: `push` returns what may go out of what came so far, `end` the rest. */
export type BodyRewriter = { push(text: string): string; end(): string };

/**
 * Lets `res` be written as usual (by Next, which the caller asks for an identity body) while keeping a copy of the
 * body; when `gzipped` is asked for, the body goes on to the client gzipped as it streams, flushed where Next flushes
 * (as its own compression would), so a miss is not sent larger than a hit. `done` gets the status, headers and
 * identity body once the answer is complete, with the gzipped body when one was sent, or nothing if it was cut off,
 * too large to keep, or compressed by whoever wrote it. `rewrite`, given the status and the content type, may return
 * a rewriter the body passes through before it is kept and sent.
 */
export function captureResponse(
  res: ServerResponse,
  gzipped: boolean,
  done: ((status: number, headers: Record<string, string>, body: Buffer, gzipped?: Buffer) => void) | null,
  rewrite?: (status: number, contentType: string) => BodyRewriter | null,
) {
  const chunks: Buffer[] = [];
  const zipped: Buffer[] = [];
  let size = 0;
  let zip: zlib.Gzip | null = null;
  let foreign = false;
  let rewriter: { rewrite: BodyRewriter; decoder: StringDecoder } | null = null;
  const keep = (chunk: unknown, encoding: unknown) => {
    if (!done || chunk === undefined || chunk === null || typeof chunk === "function" || size > MAX_ENTRY_BYTES) return;
    const buffer = typeof chunk === "string" ? Buffer.from(chunk, typeof encoding === "string" ? (encoding as BufferEncoding) : "utf8") : Buffer.from(chunk as Uint8Array);
    size += buffer.length;
    chunks.push(buffer);
  };
  const { writeHead, write, end } = res;
  // Every way the head goes out passes here: Node's implicit head (first write, end, flushHeaders) calls writeHead.
  res.writeHead = function (this: ServerResponse, status: number, ...rest: unknown[]) {
    const reason = typeof rest[0] === "string" ? rest[0] : undefined;
    const headers = (reason === undefined ? rest[0] : rest[1]) as OutgoingHttpHeaders | undefined;
    if (Array.isArray(headers)) return writeHead.apply(this, [status, ...rest] as Parameters<ServerResponse["writeHead"]>);
    for (const [name, value] of Object.entries(headers ?? {})) if (value !== undefined) this.setHeader(name, value);
    foreign = this.hasHeader("content-encoding");
    const rewriting = !foreign && rewrite?.(status, String(this.getHeader("content-type") ?? ""));
    if (rewriting) {
      rewriter = { rewrite: rewriting, decoder: new StringDecoder("utf8") };
      this.removeHeader("content-length");
    }
    if (gzipped && !foreign && status !== 204 && status !== 304) {
      const stream = zlib.createGzip();
      stream.on("data", (chunk: Buffer) => {
        zipped.push(chunk);
        write.apply(this, [chunk] as unknown as Parameters<ServerResponse["write"]>);
      });
      stream.on("error", (error) => this.destroy(error));
      // A client that goes away mid-page: the compressor's memory goes with it.
      this.once("close", () => stream.destroy());
      this.removeHeader("content-length");
      this.setHeader("content-encoding", "gzip");
      this.setHeader("vary", withVary(this.getHeader("vary")));
      zip = stream;
    }
    return writeHead.apply(this, (reason === undefined ? [status] : [status, reason]) as Parameters<ServerResponse["writeHead"]>);
  } as ServerResponse["writeHead"];
  /** The chunk as it goes on: rewritten when a rewriter holds the body (possibly nothing yet), else as it came. */
  const passed = (chunk: unknown, encoding: unknown, last: boolean): unknown => {
    if (!rewriter || typeof chunk === "function") return chunk;
    const { rewrite, decoder } = rewriter;
    const bytes = chunk === undefined || chunk === null ? null : typeof chunk === "string" ? Buffer.from(chunk, typeof encoding === "string" ? (encoding as BufferEncoding) : "utf8") : Buffer.from(chunk as Uint8Array);
    const text = bytes ? decoder.write(bytes) : "";
    const out = rewrite.push(text) + (last ? rewrite.push(decoder.end()) + rewrite.end() : "");
    return out.length > 0 ? Buffer.from(out, "utf8") : last ? undefined : null;
  };
  res.write = function (this: ServerResponse, ...args: Parameters<ServerResponse["write"]>) {
    if (!this.headersSent) this.writeHead(this.statusCode);
    const callback = args.find((arg) => typeof arg === "function") as ((error?: Error | null) => void) | undefined;
    const chunk = passed(args[0], args[1], false);
    if (chunk === null) {
      // Held back by the rewriter for now: nothing to send, and no reason to make the writer wait.
      if (callback) process.nextTick(callback);
      return true;
    }
    keep(chunk, args[1]);
    if (!zip) return rewriter ? write.apply(this, [chunk, callback] as unknown as Parameters<ServerResponse["write"]>) : write.apply(this, args);
    zip.write(chunk as Buffer, callback);
    return true;
  } as ServerResponse["write"];
  // Next flushes after each chunk it streams (as for its own compression): the browser gets each part as it is made.
  Object.assign(res, { flush: () => zip?.flush(zlib.constants.Z_SYNC_FLUSH) });
  res.end = function (this: ServerResponse, ...args: unknown[]) {
    if (!this.headersSent) this.writeHead(this.statusCode);
    const given = typeof args[0] === "function" ? undefined : args[0];
    const encoding = typeof args[1] === "string" ? args[1] : undefined;
    const callback = args.find((arg) => typeof arg === "function") as (() => void) | undefined;
    const chunk = passed(given, encoding, true);
    keep(chunk, encoding);
    const stream = zip;
    if (!stream && rewriter) return end.apply(this, (chunk === undefined ? [callback] : [chunk, callback]) as unknown as Parameters<ServerResponse["end"]>);
    if (!stream) return end.apply(this, args as Parameters<ServerResponse["end"]>);
    stream.once("end", () => end.apply(this, [callback] as unknown as Parameters<ServerResponse["end"]>));
    if (chunk === undefined || chunk === null) stream.end();
    else stream.end(chunk as Buffer, encoding as BufferEncoding);
    return this;
  } as ServerResponse["end"];
  res.once("finish", () => {
    if (!done || size > MAX_ENTRY_BYTES || foreign) return;
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(res.getHeaders())) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : String(value);
    }
    done(res.statusCode, headers, Buffer.concat(chunks), zip ? Buffer.concat(zipped) : undefined);
  });
}

/** Forget everything (tests). */
export function clearResponseCache() {
  entries?.clear();
  flights.clear();
  refreshing = false;
}
