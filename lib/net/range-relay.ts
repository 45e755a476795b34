import net, { type Socket } from "node:net";
import { Readable, type Writable } from "node:stream";
import tls from "node:tls";
import { LRUCache } from "lru-cache";
import { AppError } from "@/lib/errors";
import { ipLiteral } from "./address";
import { portOf, type ResolvedAddress } from "./safe-fetch";

/**
 * The link proxy's hot path for one range of a file whose upstream has already answered ranges (lib/proxy/stream.ts
 * decides when): a GET written by hand on a raw socket, the response head read here, and the body's socket chunks
 * written to the client as they arrive. Node's HTTP client copies every body chunk out of its parser and moves it
 * through two stream layers; for the 1 MiB ranges of bench:proxy that was about half of the proxy's CPU. undici (7.30,
 * a pool per origin and checked address set, connecting to the checked address) was tried in its place and measured in
 * one sitting: 2.7–2.9 ms of CPU per range against 1.0–1.6 ms here, as much as Node's client (3.0 ms), for it reads
 * each socket chunk into a new buffer too.
 *
 * Only the plainest answer is taken: `HTTP/1.1 206` with one Content-Length and no Transfer-Encoding (body framing is
 * then exactly that many bytes). Anything else — a redirect, an error, a chunked or 200 answer, a head that does not
 * parse — comes back as `null` with the socket closed, and the caller asks again through safeFetch, which handles
 * every form.
 *
 * The rules of lib/net/safe-fetch.ts hold: the caller passes the addresses checkedAddresses() returned for this very
 * request, the socket connects to exactly those (no DNS here), and a kept-alive socket is reused only for a request to
 * the same origin that resolved to, and passed the checks for, the same set of addresses. A socket goes back to the
 * pool only after exactly its body's bytes arrived (nothing more, nothing less) on a connection not marked to close.
 */

/** Longer than a file server's head; a longer one is not the plain answer taken here. */
const MAX_HEAD_BYTES = 16 * 1024;
/** Idle kept sockets close before common servers' keep-alive timeouts (nginx 75 s, Node 5 s) end them under us. */
const IDLE_KEEP_MS = 4_000;
const MAX_IDLE_PER_POOL = 64;
const RANGE = /^bytes=(\d{1,15}-\d{0,15}|-\d{1,15})$/;
const STATUS_LINE = /^HTTP\/1\.([01]) (\d{3})(?: [^\r\n]*)?$/;
const HEADER_LINE = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+):[ \t]*([^\r\n]*?)[ \t]*$/;

export type RangeRequest = {
  range: string;
  connectTimeoutMs: number;
  idleTimeoutMs: number;
  signal?: AbortSignal;
};

/**
 * Read buffers, reused (the socket's `onread`): a read lands in one, the client's socket is written from it, and it
 * comes back here once that write is done. Node's own reads take a new 64 KiB buffer each that only the garbage
 * collector frees: relaying ~250 MB/s kept V8 scavenging for "external memory pressure", a large part of the CPU.
 * A buffer comes back only from a write that succeeded (after an error it is left to the collector): its bytes
 * were in the kernel by then, so no later read can change what a client is sent.
 */
const READ_BUFFER_BYTES = 128 * 1024;
const MAX_FREE_BUFFERS = 256;
const freeBuffers: Buffer[] = [];
const takeBuffer = () => freeBuffers.pop() ?? Buffer.allocUnsafeSlow(READ_BUFFER_BYTES);
const giveBack = (buffer: Buffer) => void (freeBuffers.length < MAX_FREE_BUFFERS && freeBuffers.push(buffer));

/** Takes a read: `chunk` is the bytes read, inside `buffer`, which the reader now owns (giveBack once done). False pauses reading. */
type Reader = (chunk: Buffer, buffer: Buffer) => boolean;

/** An upstream connection and whoever reads from it now (asking for an answer's head, relaying a body, or idle). */
class Connection {
  readonly socket: Socket;
  reader: Reader = (_chunk, buffer) => {
    giveBack(buffer);
    return false;
  };

  constructor(url: URL, addresses: ResolvedAddress[]) {
    const [first] = addresses;
    const port = portOf(url);
    const literal = ipLiteral(url.hostname);
    const onread = { buffer: takeBuffer, callback: (nread: number, buffer: Uint8Array) => this.reader((buffer as Buffer).subarray(0, nread), buffer as Buffer) };
    // The certificate is checked for the name, sent as SNI too (a literal address has no name: it is checked itself).
    this.socket =
      url.protocol === "https:"
        ? // tls.connect passes `onread` on to its socket; Node's types leave it out.
          tls.connect({ host: first.address, port, servername: literal ? undefined : url.hostname, ALPNProtocols: ["http/1.1"], onread } as tls.ConnectionOptions)
        : net.connect({ host: first.address, port, onread });
    // The request goes out in one write, and must not wait on the previous answer's last ACK (Nagle).
    this.socket.setNoDelay(true);
    // A socket always ends with 'close', which every phase below listens for; an 'error' between phases (the
    // answer handed to the caller, not yet relayed) must not go unheard and stop the process.
    this.socket.on("error", () => undefined);
  }
}

const pools = new LRUCache<string, Connection[]>({
  max: 256,
  dispose: (connections) => connections.forEach((c) => c.socket.destroy()),
});

function poolKey(url: URL, addresses: ResolvedAddress[]): string {
  return `${url.protocol}//${url.host} ${addresses.map((a) => a.address).join(" ")}`;
}

/** How each idle connection leaves its pool on its own (unhooked when it is taken). */
const idleDrops = new WeakMap<Connection, () => void>();

function takeIdle(key: string): Connection | undefined {
  const idle = pools.get(key);
  for (let connection = idle?.pop(); connection; connection = idle?.pop()) {
    const drop = idleDrops.get(connection);
    if (drop) connection.socket.off("close", drop).off("timeout", drop);
    idleDrops.delete(connection);
    if (!connection.socket.destroyed && connection.socket.readyState === "open") return connection;
  }
  return undefined;
}

function keepIdle(key: string, connection: Connection): void {
  const { socket } = connection;
  let idle = pools.get(key);
  if (!idle) pools.set(key, (idle = []));
  if (idle.length >= MAX_IDLE_PER_POOL) return void socket.destroy();
  const pool = idle;
  const drop = () => {
    socket.destroy();
    const at = pool.indexOf(connection);
    if (at >= 0) pool.splice(at, 1);
  };
  idleDrops.set(connection, drop);
  // An idle connection says nothing until asked: bytes from it now are not an answer to anything.
  connection.reader = (_chunk, buffer) => {
    giveBack(buffer);
    drop();
    return false;
  };
  socket.once("close", drop).once("timeout", drop);
  socket.setTimeout(IDLE_KEEP_MS);
  socket.resume();
  pool.push(connection);
}

type Head = { status: number; headers: Map<string, string>; keepAlive: boolean; rest: Buffer };

/** Parses a response head; null when it is not one this relay takes (or a header repeats: no guessing which counts). */
function parseHead(bytes: Buffer, end: number): Head | null {
  const lines = bytes.toString("latin1", 0, end).split("\r\n");
  const status = STATUS_LINE.exec(lines[0]);
  if (!status) return null;
  const headers = new Map<string, string>();
  for (let i = 1; i < lines.length; i++) {
    const header = HEADER_LINE.exec(lines[i]);
    if (!header) return null;
    const name = header[1].toLowerCase();
    if (headers.has(name)) return null;
    headers.set(name, header[2]);
  }
  const connection = headers.get("connection")?.toLowerCase() ?? "";
  return { status: Number(status[2]), headers, keepAlive: status[1] === "1" && !/\bclose\b/.test(connection), rest: bytes.subarray(end + 4) };
}

/**
 * GET `range` of `url` from one of `addresses` (checked by the caller for this request). Resolves with the answer when
 * it is a plain 206 (see above), null otherwise (also when a kept connection turns out closed); rejects on connect or
 * idle timeout, a connection error, or `signal`.
 */
export function fetchRange(url: URL, addresses: ResolvedAddress[], request: RangeRequest): Promise<RangeBody | null> {
  if (!RANGE.test(request.range)) throw new Error(`not a single byte range: ${request.range}`);
  const key = poolKey(url, addresses);
  const pooled = takeIdle(key);
  const connection = pooled ?? new Connection(url, addresses);
  const { socket } = connection;
  return new Promise<RangeBody | null>((resolve, reject) => {
    let head: Buffer = Buffer.alloc(0);
    const fail = (error: Error) => {
      cleanup();
      socket.destroy();
      reject(error);
    };
    const onAbort = () => fail(Object.assign(new Error("The client went away"), { name: "AbortError" }));
    const onError = (error: Error) => fail(error instanceof AppError ? error : new AppError("bad_gateway", `Could not fetch ${url.host}: ${error.message}`, { refused: "upstream" }));
    const onClose = () => {
      // A kept connection the server closed as it was taken (its keep-alive ran out): not an answer; ask again.
      if (pooled && head.length === 0) {
        cleanup();
        return resolve(null);
      }
      onError(new Error("the connection closed before an answer"));
    };
    const onTimeout = () => fail(new AppError("gateway_timeout", `${url.host} stopped responding`, { refused: "timeout" }));
    const connectTimer = pooled
      ? undefined
      : setTimeout(() => fail(new AppError("gateway_timeout", `Connecting to ${url.host} timed out`, { refused: "timeout" })), request.connectTimeoutMs);
    const onConnect = () => clearTimeout(connectTimer);
    const notSimple = () => {
      cleanup();
      socket.destroy();
      resolve(null);
      return false;
    };
    connection.reader = (chunk, buffer) => {
      // A head split over reads is put together (and the read buffer goes back); the usual one is read in place.
      let bytes = chunk;
      let owner: Buffer | null = buffer;
      if (head.length > 0) {
        bytes = Buffer.concat([head, chunk]);
        giveBack(buffer);
        owner = null;
      }
      const end = bytes.indexOf("\r\n\r\n");
      if (end < 0) {
        head = owner ? Buffer.from(bytes) : bytes;
        if (owner) giveBack(owner);
        return head.length > MAX_HEAD_BYTES ? notSimple() : true;
      }
      const parsed = parseHead(bytes, end);
      const length = parsed?.headers.get("content-length") ?? "";
      if (!parsed || parsed.status !== 206 || parsed.headers.has("transfer-encoding") || !/^\d{1,15}$/.test(length)) {
        if (owner) giveBack(owner);
        return notSimple();
      }
      cleanup();
      resolve(new RangeBody(connection, key, parsed.status, parsed.headers, Number(length), parsed.rest, owner, parsed.keepAlive));
      return false;
    };
    function cleanup() {
      clearTimeout(connectTimer);
      request.signal?.removeEventListener("abort", onAbort);
      socket.off("error", onError).off("close", onClose).off("timeout", onTimeout);
      socket.off("connect", onConnect).off("secureConnect", onConnect);
    }
    if (request.signal?.aborted) return onAbort();
    request.signal?.addEventListener("abort", onAbort, { once: true });
    socket.once("error", onError).once("close", onClose).on("timeout", onTimeout);
    socket.once(url.protocol === "https:" ? "secureConnect" : "connect", onConnect);
    socket.setTimeout(request.idleTimeoutMs);
    const target = `${url.pathname}${url.search}`;
    socket.write(`GET ${target} HTTP/1.1\r\nHost: ${url.host}\r\nUser-Agent: Reel\r\nAccept: */*\r\nAccept-Encoding: identity\r\nRange: ${request.range}\r\n\r\n`, "latin1");
    socket.resume();
  });
}

/**
 * A 206 body on its connection, not yet read. relay() writes it to a response; toReadable() gives it as a stream
 * (the route-handler adapter); destroy() drops it. Exactly one of them, once.
 */
export class RangeBody {
  /** Body bytes written on so far. */
  sent = 0;
  /** Once relayed or read, the rest's buffer belongs to the writes (given back twice, two reads would share it). */
  private taken = false;

  constructor(
    private readonly connection: Connection,
    private readonly key: string,
    readonly status: number,
    /** Lower-case names, each at most once. */
    readonly headers: ReadonlyMap<string, string>,
    readonly length: number,
    /** What came after the head in its read, and the read buffer it lies in when it is one (it goes back once written). */
    private readonly rest: Buffer,
    private readonly restBuffer: Buffer | null,
    private reusable: boolean,
  ) {}

  destroy(): void {
    this.connection.socket.destroy();
    // Never written anywhere: nothing else holds it.
    if (this.restBuffer && !this.taken) giveBack(this.restBuffer);
    this.taken = true;
  }

  /**
   * Writes the body to `out` and ends it, reading the upstream only as fast as `out` takes it (backpressure). Breaks
   * `out` off when the upstream does (a short body must not pass for a whole one); closes the upstream when `out`
   * closes first. `done` is called once, with the error that ended it early.
   */
  relay(out: Writable, done: (error?: Error | null) => void): void {
    this.taken = true;
    const { connection } = this;
    const { socket } = connection;
    let remaining = this.length;
    let finished = false;
    const finish = (error: Error | null) => {
      if (finished) return;
      finished = true;
      socket.off("close", onUpstreamGone).off("error", onUpstreamGone).off("timeout", onTimeout);
      out.off("close", onOutClose).off("drain", onDrain);
      if (error) {
        socket.destroy();
        out.destroy(error);
      } else if (this.reusable) {
        keepIdle(this.key, connection);
      } else {
        socket.destroy();
      }
      done(error);
    };
    const take = (chunk: Buffer, buffer: Buffer | null): boolean => {
      const back = buffer && ((error?: Error | null) => void (error || giveBack(buffer)));
      if (chunk.length < remaining) {
        remaining -= chunk.length;
        this.sent += chunk.length;
        return back ? out.write(chunk, back) : out.write(chunk);
      }
      // More than the length announced: the connection's framing is lost, so it is not kept.
      if (chunk.length > remaining) this.reusable = false;
      const last = chunk.subarray(0, remaining);
      this.sent += last.length;
      remaining = 0;
      connection.reader = (_chunk, next) => {
        giveBack(next);
        return false;
      };
      out.end(last, back ?? undefined);
      out.once("finish", () => finish(null));
      return false;
    };
    const onDrain = () => socket.resume();
    const onUpstreamGone = (error?: unknown) => finish(remaining === 0 ? null : error instanceof Error ? error : new Error("the upstream connection broke off"));
    const onTimeout = () => finish(new AppError("gateway_timeout", "the upstream stopped responding", { refused: "timeout" }));
    const onOutClose = () => {
      if (!out.writableFinished) finish(new Error("client went away"));
    };
    socket.on("close", onUpstreamGone).on("error", onUpstreamGone).on("timeout", onTimeout);
    out.on("drain", onDrain).once("close", onOutClose);
    // The head's read may have brought all of the body, some, or none.
    const more = this.rest.length > 0 || remaining === 0 ? take(this.rest, this.restBuffer) : true;
    if (this.rest.length === 0 && remaining > 0 && this.restBuffer) giveBack(this.restBuffer);
    if (remaining > 0) {
      connection.reader = take;
      if (more) socket.resume();
    }
  }

  /** The body as a Readable (for a web Response); ends after exactly `length` bytes, errors when the upstream breaks off. */
  toReadable(): Readable {
    this.taken = true;
    const { connection } = this;
    const { socket } = connection;
    let remaining = this.length;
    const readable = new Readable({
      read: () => void socket.resume(),
      destroy: (error, callback) => {
        socket.destroy();
        callback(error);
      },
    });
    // Copied: the web stream keeps chunks as long as it likes, and the read buffer goes back at once.
    const take = (chunk: Buffer, buffer: Buffer | null) => {
      const part = Buffer.from(chunk.subarray(0, remaining));
      if (buffer) giveBack(buffer);
      remaining -= part.length;
      this.sent += part.length;
      const more = readable.push(part);
      if (remaining > 0) return more;
      socket.destroy();
      readable.push(null);
      return false;
    };
    socket.once("close", () => remaining > 0 && readable.destroy(new Error("the upstream connection broke off")));
    socket.on("timeout", () => readable.destroy(new AppError("gateway_timeout", "the upstream stopped responding", { refused: "timeout" })));
    // The head's read may have brought all of the body, some, or none.
    const more = this.rest.length > 0 || remaining === 0 ? take(this.rest, this.restBuffer) : true;
    if (this.rest.length === 0 && remaining > 0 && this.restBuffer) giveBack(this.restBuffer);
    if (remaining > 0) {
      connection.reader = take;
      if (more) socket.resume();
    }
    return readable;
  }
}
