import fs from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";
import { env } from "@/lib/env";
import { sendError } from "@/lib/http/send-error";
import { compressText } from "@/lib/media/bodies";
import { decide, describeFile, type Decision, type Encoding, type FileMeta } from "@/lib/media/decision";
import { IMMUTABLE, type MediaKind } from "@/lib/storage/mime";
import { decodeSegment, hasSafeCharacters, isInside } from "@/lib/media/paths";
import { HLS_SCRIPT_DIR, HLS_SCRIPT_FILES, HLS_SCRIPT_PREFIX } from "@/lib/playback/hls-script";
import type { FastPath } from "./fast-path";

/**
 * Static files answered by the Node server before Next: the build's own scripts and styles (`/_next/static/…`), and
 * the few files of packages the browser loads as they are (hls.js). Every page load asks for a dozen of them at once;
 * through Next's handler each one waited behind the page render and was gzipped again on every request. Here each
 * file is read once and kept in memory with its brotli and gzip bodies, so an answer is a Map lookup and one write.
 * The HTTP rules (ETag and 304, Range, HEAD, encoding negotiation) are the media path's (lib/media/decision.ts).
 *
 * Every URL served here names one content for good (a content hash, the build id or a version in it), so all of it
 * is cached as immutable. Unknown names get a 404, and a path that is not plainly a file inside the folder (dot
 * segments, encoded slashes or backslashes, a symlink out) is refused before the file system is asked.
 */

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

export type StaticFilesOptions = {
  /** The URL prefix, ending in "/": a file's path inside `root` follows it. */
  prefix: string;
  root: string;
  /** Only these paths inside `root` are served (a package folder holds more than the browser needs). */
  only?: readonly string[];
  /** When off, every request is handed on to Next. */
  enabled?: boolean;
};

export type StaticFiles = FastPath & {
  /** Reads every file and compresses the text ones, so the first page load finds them ready. */
  warm(): Promise<void>;
};

export function createStaticFiles(options: StaticFilesOptions): StaticFiles {
  const { prefix, root } = options;
  const only = options.only && new Set(options.only);
  const enabled = options.enabled ?? true;
  let realRoot: Promise<string | null> | undefined;
  // Bounded by the folders served (the build's is about 1.5 MB); files that do not exist are not remembered.
  const assets = new Map<string, Promise<Asset | null>>();

  async function load(rel: string): Promise<Asset | null> {
    if (only && !only.has(rel)) return null;
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
    const raw = url.slice(prefix.length, query < 0 ? undefined : query);
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
    const files = only
      ? [...only]
      : (await fs.readdir(rootPath, { recursive: true, withFileTypes: true }))
          .filter((f) => f.isFile())
          .map((f) => path.relative(rootPath, path.join(f.parentPath, f.name)).split(path.sep).join("/"));
    await Promise.all(
      files.map(async (rel) => {
        const a = await asset(rel);
        // Browsers all take brotli; gzip is made when an older client first asks.
        if (a?.meta.compressible) await encoded(a, "br");
      }),
    );
  }

  return { prefix, handle, warm };
}

/**
 * The production build's scripts, styles and fonts. `next dev` compiles and serves these itself, so in development
 * every request is handed on to Next.
 */
export function nextStaticFiles(): StaticFiles {
  return createStaticFiles({
    prefix: "/_next/static/",
    root: path.join(/*turbopackIgnore: true*/ process.cwd(), ".next", "static"),
    enabled: env.NODE_ENV !== "development",
  });
}

/** hls.js for the watch page, light and full build (see lib/playback/hls-script.ts). */
export function hlsScriptFiles(): StaticFiles {
  return createStaticFiles({ prefix: HLS_SCRIPT_PREFIX, root: HLS_SCRIPT_DIR, only: HLS_SCRIPT_FILES });
}
