import fs from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";
import { env } from "@/lib/env";
import { compressText } from "@/lib/media/bodies";
import { decide, describeFile, type Decision, type Encoding, type FileMeta } from "@/lib/media/decision";
import { IMMUTABLE, type MediaKind } from "@/lib/media/mime";
import { sendError } from "@/lib/media/node-adapter";
import { decodeSegment, hasSafeCharacters, isInside } from "@/lib/media/paths";
import type { FastPath } from "./fast-paths";

/**
 * The build's own scripts and styles (`/_next/static/…`), answered by the Node server before Next: every page load
 * asks for a dozen of them at once, and through Next's handler each one waited behind the page render and was
 * gzipped again on every request. Here each file is read once and kept in memory with its brotli and gzip bodies,
 * so an answer is a Map lookup and one write. The HTTP rules (ETag and 304, Range, HEAD, encoding negotiation) are
 * the media path's (lib/media/decision.ts).
 *
 * Every name under /_next/static/ carries a content hash or the build id, so all of it is cached as immutable. Only
 * files of the production build are served: unknown names get a 404, and a path that is not plainly a file inside
 * the folder (dot segments, encoded slashes or backslashes, a symlink out) is refused before the file system is asked.
 * `next dev` serves this prefix itself, so in development every request is handed on to Next.
 */

export const NEXT_STATIC_PREFIX = "/_next/static/";

const text = (type: string): MediaKind => ({ type, cacheControl: IMMUTABLE, compressible: true });
const binary = (type: string): MediaKind => ({ type, cacheControl: IMMUTABLE, compressible: false });

const KINDS: Record<string, MediaKind> = {
  js: text("text/javascript; charset=utf-8"),
  mjs: text("text/javascript; charset=utf-8"),
  css: text("text/css; charset=utf-8"),
  json: text("application/json"),
  map: text("application/json"),
  txt: text("text/plain; charset=utf-8"),
  svg: text("image/svg+xml"),
  ttf: text("font/ttf"),
  woff2: binary("font/woff2"),
  woff: binary("font/woff"),
  png: binary("image/png"),
  jpg: binary("image/jpeg"),
  jpeg: binary("image/jpeg"),
  webp: binary("image/webp"),
  avif: binary("image/avif"),
  gif: binary("image/gif"),
  ico: binary("image/x-icon"),
};
const OTHER = binary("application/octet-stream");

export function staticKindOf(rel: string): MediaKind {
  const name = rel.slice(rel.lastIndexOf("/") + 1);
  const dot = name.lastIndexOf(".");
  return (dot > 0 && KINDS[name.slice(dot + 1).toLowerCase()]) || OTHER;
}

type Asset = { meta: FileMeta; bytes: Buffer; encoded: Partial<Record<Encoding, Promise<Buffer>>> };

export type NextStaticOptions = {
  /** The build's static folder; defaults to `.next/static` in the working folder. */
  root?: string;
  /** Off in development, where Next compiles these files on demand. */
  enabled?: boolean;
};

export type NextStatic = {
  handle: FastPath["handle"];
  /** Reads every file and compresses the text ones, so the first page load finds them ready. */
  warm(): Promise<void>;
};

export function createNextStatic(options: NextStaticOptions = {}): NextStatic {
  const root = options.root ?? path.join(/*turbopackIgnore: true*/ process.cwd(), ".next", "static");
  const enabled = options.enabled ?? env.NODE_ENV !== "development";
  let realRoot: Promise<string | null> | undefined;
  // Bounded by the build's static folder (about 1.5 MB); files that do not exist are not remembered.
  const assets = new Map<string, Promise<Asset | null>>();

  async function load(rel: string): Promise<Asset | null> {
    const rootPath = await (realRoot ??= fs.realpath(root).catch(() => null));
    if (!rootPath) {
      realRoot = undefined; // no build yet: look again next time
      return null;
    }
    const real = await fs.realpath(path.join(/*turbopackIgnore: true*/ rootPath, rel)).catch(() => null);
    if (!real || !isInside(real, rootPath)) return null;
    const handle = await fs.open(real, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK).catch(() => null);
    if (!handle) return null;
    try {
      const stat = await handle.stat();
      if (!stat.isFile()) return null;
      const bytes = await handle.readFile();
      return { meta: describeFile({ size: bytes.length, mtimeMs: stat.mtimeMs, path: rel, kind: staticKindOf(rel) }), bytes, encoded: {} };
    } finally {
      await handle.close();
    }
  }

  function asset(rel: string): Promise<Asset | null> {
    let found = assets.get(rel);
    if (!found) {
      found = load(rel);
      assets.set(rel, found);
      const forget = () => void assets.delete(rel);
      found.then((a) => a ?? forget(), forget);
    }
    return found;
  }

  function encoded(a: Asset, encoding: Encoding): Promise<Buffer> {
    return (a.encoded[encoding] ??= compressText(a.bytes, encoding, "thorough"));
  }

  async function body(decision: Decision, a: Asset): Promise<Buffer | undefined> {
    const b = decision.body;
    if (b.kind === "empty") return undefined;
    if (b.kind === "range") return a.bytes.subarray(b.start, b.end + 1);
    if (b.kind === "encoded") {
      const bytes = await encoded(a, b.encoding);
      decision.headers["content-length"] = String(bytes.length);
      return bytes;
    }
    const chunks: Buffer[] = [];
    for (const part of b.parts) chunks.push(Buffer.from(part.head, "latin1"), a.bytes.subarray(part.start, part.end + 1));
    chunks.push(Buffer.from(b.tail, "latin1"));
    return Buffer.concat(chunks);
  }

  async function handle(req: IncomingMessage, res: ServerResponse, next: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>) {
    if (!enabled) return next(req, res);
    const url = req.url ?? "";
    const query = url.indexOf("?");
    const raw = url.slice(NEXT_STATIC_PREFIX.length, query < 0 ? undefined : query);
    if (!hasSafeCharacters(raw)) return sendError(res, 400, "invalid characters in path");
    const segments: string[] = [];
    for (const part of raw.split("/")) {
      const segment = decodeSegment(part);
      if (typeof segment !== "string") return sendError(res, segment.status, segment.reason);
      segments.push(segment);
    }
    const found = await asset(segments.join("/"));
    if (!found) return sendError(res, 404, "not found");
    const decision = decide(req.method ?? "GET", req.headers, found.meta);
    const bytes = await body(decision, found);
    res.writeHead(decision.status, decision.headers);
    res.end(decision.head ? undefined : bytes);
  }

  async function warm() {
    if (!enabled) return;
    const rootPath = await fs.realpath(root).catch(() => null);
    if (!rootPath) return;
    const files = await fs.readdir(rootPath, { recursive: true, withFileTypes: true });
    await Promise.all(
      files
        .filter((f) => f.isFile())
        .map(async (f) => {
          const a = await asset(path.relative(rootPath, path.join(f.parentPath, f.name)).split(path.sep).join("/"));
          // Browsers all take brotli; gzip is made when an older client first asks.
          if (a?.meta.compressible) await encoded(a, "br");
        }),
    );
  }

  return { handle, warm };
}

/** The build's static files, configured from the environment. */
export const nextStatic = createNextStatic();

/** The entry for lib/server/fast-paths.ts. */
export const nextStaticFastPath: FastPath = { prefix: NEXT_STATIC_PREFIX, handle: nextStatic.handle };
