import fs from "node:fs/promises";
import { createWriteStream } from "node:fs";
import path from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { UrlImport } from "@/lib/db/schema";
import { env, paths } from "@/lib/env";
import { isAppError } from "@/lib/errors";
import { childLogger } from "@/lib/log";
import { currentFetchPolicy } from "@/lib/net/current-policy";
import { safeFetch, type Resolver, type SafeResponse } from "@/lib/net/safe-fetch";
import { adoptSourceFile } from "@/lib/uploads/adopt";
import { assertRoomFor } from "@/lib/uploads/disk";
import { formatBytes } from "@/lib/uploads/format";
import { extensionOf, titleFromFileName } from "@/lib/uploads/names";
import { completeImport, findImport, isActiveImport, saveReceivedBytes, updateImport } from "./queries";

const log = childLogger("imports");

/** A failure that another attempt cannot fix (404, an HTML page, too big): the import fails at once. */
export class PermanentImportError extends Error {}

export type DownloadOptions = {
  signal?: AbortSignal;
  /** This is the job's last attempt: a passing failure (network, 5xx) fails the import too. */
  finalAttempt?: boolean;
  resolve?: Resolver;
  maxBytes?: number;
  timeoutSeconds?: number;
  progressIntervalMs?: number;
};

/** Where the partial file lives between attempts, so a killed worker resumes with a Range request. */
export function partialPath(importId: string): string {
  return path.join(/*turbopackIgnore: true*/ paths.tmp, "imports", `${importId}.part`);
}

/** Disk is re-checked this often while the total size is unknown. */
const DISK_CHECK_BYTES = 64 * 1024 * 1024;

const TYPE_EXTENSIONS: Record<string, string> = {
  "video/mp4": "mp4",
  "video/webm": "webm",
  "video/quicktime": "mov",
  "video/x-matroska": "mkv",
  "video/x-msvideo": "avi",
  "video/mp2t": "ts",
  "video/mpeg": "mpg",
  "video/ogg": "ogv",
};

/**
 * The import stopped being this attempt's to finish: it was cancelled, or another attempt completed it (its video is
 * the import's; this attempt's is rolled back).
 */
class ImportEnded extends Error {
  constructor() {
    super("The import was cancelled or completed elsewhere");
  }
}

/**
 * Downloads one import through the SSRF-safe fetch, resuming a partial file with Range/If-Range,
 * within the size, time and disk limits, then hands the file to the pipeline like an upload.
 * Permanent failures mark the import failed and return; passing ones throw so the job is retried
 * (and mark it failed on the final attempt).
 */
export async function runImport(importId: string, options: DownloadOptions = {}): Promise<UrlImport | null> {
  const row = await findImport(importId);
  if (!row) return row;
  const part = partialPath(row.id);
  // Cancelled between attempts: the partial file kept for a resume is not needed any more.
  if (!isActiveImport(row)) return fs.rm(part, { force: true }).then(() => row);
  await fs.mkdir(path.dirname(part), { recursive: true });
  const timeoutSeconds = options.timeoutSeconds ?? env.REEL_IMPORT_TIMEOUT_SECONDS;
  const timeout = AbortSignal.timeout(timeoutSeconds * 1000);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  try {
    if (!(await updateImport(row.id, { status: "downloading", failureReason: null }))) throw new ImportEnded();
    const { size, fileName } = await download(row, part, { ...options, signal });
    // The video and the import's "done" commit together: a worker killed in between leaves neither, and the retry
    // downloads again instead of adding a second video.
    const video = await adoptSourceFile(
      { file: part, originalName: fileName, ownerId: row.ownerId, title: titleFromFileName(fileName), sourceKind: "url", sourceUrl: row.url, size },
      async (tx, registered) => {
        if (!(await completeImport(tx, row.id, { receivedBytes: size, videoId: registered.id, fileName }))) throw new ImportEnded();
      },
    );
    log.info({ importId: row.id, videoId: video.id, size }, "import downloaded");
  } catch (error) {
    if (error instanceof ImportEnded) {
      await fs.rm(part, { force: true });
      log.info({ importId: row.id }, "import cancelled or completed elsewhere; this download is dropped");
      return findImport(row.id);
    }
    const reason = timeout.aborted
      ? `The download took longer than the limit (${timeoutSeconds} s)`
      : error instanceof Error
        ? error.message
        : String(error);
    const permanent = timeout.aborted || error instanceof PermanentImportError || (isAppError(error) && error.status < 500 && error.status !== 408);
    if (permanent || options.finalAttempt) {
      await updateImport(row.id, { status: "failed", failureReason: reason });
      await fs.rm(part, { force: true });
      log.warn({ importId: row.id, reason }, "import failed");
      return findImport(row.id);
    }
    // Keep the partial file: the retry continues it.
    log.warn({ importId: row.id, reason }, "import interrupted; it will resume");
    throw error;
  }
  return findImport(row.id);
}

type Downloaded = { size: number; fileName: string };

async function download(row: UrlImport, part: string, options: DownloadOptions & { signal: AbortSignal }): Promise<Downloaded> {
  const maxBytes = options.maxBytes ?? env.REEL_IMPORT_MAX_BYTES;
  let have = await fs.stat(part).then((s) => s.size, () => 0);

  for (let attempt = 0; attempt < 2; attempt++) {
    const headers: Record<string, string> = { accept: "video/*, application/octet-stream;q=0.9, */*;q=0.5" };
    const validator = row.etag ?? row.lastModified;
    if (have > 0) {
      headers.range = `bytes=${have}-`;
      if (validator) headers["if-range"] = validator;
    }
    const res = await safeFetch(row.url, { headers, signal: options.signal, resolve: options.resolve, policy: await currentFetchPolicy() });

    if (res.status === 416 && have > 0) {
      res.body.destroy();
      const total = contentRangeTotal(res.headers.get("content-range"));
      if (total === have) return { size: have, fileName: fileNameOf(res, row) };
      // The partial file does not match the resource any more: start over.
      await fs.rm(part, { force: true });
      have = 0;
      continue;
    }
    if (res.status === 206) {
      const range = parseContentRange(res.headers.get("content-range"));
      if (!range || range.start !== have) {
        res.body.destroy();
        await fs.rm(part, { force: true });
        have = 0;
        continue;
      }
    } else if (res.status === 200) {
      have = 0;
    } else {
      res.body.destroy();
      const message = `The server answered ${res.status}${res.body.statusMessage ? ` ${res.body.statusMessage}` : ""}`;
      if (res.status >= 500 || res.status === 408 || res.status === 429) throw new Error(message);
      throw new PermanentImportError(message);
    }

    assertMediaType(res);
    const total = res.status === 206 ? contentRangeTotal(res.headers.get("content-range")) : contentLength(res);
    if (total !== null && total > maxBytes) {
      res.body.destroy();
      throw new PermanentImportError(`The file is ${formatBytes(total)}, more than the import limit of ${formatBytes(maxBytes)}`);
    }
    if (res.status === 200) {
      // A new (or restarted) download: remember how to resume this exact resource.
      const etag = res.headers.get("etag");
      const recorded = await updateImport(row.id, {
        totalBytes: total,
        etag: etag && !etag.startsWith("W/") ? etag : null,
        lastModified: res.headers.get("last-modified"),
        receivedBytes: 0,
      });
      if (!recorded) {
        res.body.destroy();
        throw new ImportEnded();
      }
    } else if (total !== null && row.totalBytes !== total) {
      await updateImport(row.id, { totalBytes: total });
    }
    try {
      await assertRoomFor(path.dirname(part), total === null ? 0 : total - have);
    } catch (error) {
      res.body.destroy();
      throw new PermanentImportError((error as Error).message);
    }

    const size = await writeBody(res, part, have, total, maxBytes, row.id, options);
    if (total !== null && size < total) throw new Error(`The download stopped at ${formatBytes(size)} of ${formatBytes(total)}`);
    if (size === 0) throw new PermanentImportError("The URL returned an empty file");
    return { size, fileName: fileNameOf(res, row) };
  }
  throw new Error("The server keeps answering with a different range; will try again");
}

async function writeBody(
  res: SafeResponse,
  part: string,
  have: number,
  total: number | null,
  maxBytes: number,
  importId: string,
  options: DownloadOptions & { signal: AbortSignal },
): Promise<number> {
  let received = have;
  let lastSave = Date.now();
  let nextDiskCheck = have + DISK_CHECK_BYTES;
  const interval = options.progressIntervalMs ?? 1000;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      received += chunk.length;
      if (received > maxBytes) {
        callback(new PermanentImportError(`The file is larger than the import limit of ${formatBytes(maxBytes)}`));
        return;
      }
      if (Date.now() - lastSave >= interval) {
        lastSave = Date.now();
        saveReceivedBytes(importId, received).then(
          (downloading) => downloading || meter.destroy(new ImportEnded()),
          (err: unknown) => log.warn({ err }, "saving import progress failed"),
        );
      }
      if (total === null && received >= nextDiskCheck) {
        nextDiskCheck = received + DISK_CHECK_BYTES;
        assertRoomFor(path.dirname(part), DISK_CHECK_BYTES).then(
          () => callback(null, chunk),
          (error: Error) => callback(new PermanentImportError(error.message)),
        );
        return;
      }
      callback(null, chunk);
    },
  });
  await pipeline(res.body, meter, createWriteStream(part, { flags: have > 0 ? "a" : "w" }), { signal: options.signal });
  if (!(await saveReceivedBytes(importId, received))) throw new ImportEnded();
  return received;
}

function assertMediaType(res: SafeResponse) {
  const type = (res.headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
  if (type === "text/html" || type === "application/xhtml+xml") {
    res.body.destroy();
    throw new PermanentImportError("The URL points to a web page, not a video file: paste a direct link to the file");
  }
  if (type.startsWith("text/") || type === "application/json" || type.startsWith("image/")) {
    res.body.destroy();
    throw new PermanentImportError(`The URL returned ${type}, not a video file`);
  }
}

function contentLength(res: SafeResponse): number | null {
  const value = res.headers.get("content-length");
  return value && /^\d+$/.test(value) ? Number(value) : null;
}

function parseContentRange(value: string | null): { start: number; end: number; total: number | null } | null {
  const match = value ? /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(value.trim()) : null;
  if (!match) return null;
  return { start: Number(match[1]), end: Number(match[2]), total: match[3] === "*" ? null : Number(match[3]) };
}

function contentRangeTotal(value: string | null): number | null {
  const match = value ? /\/(\d+)$/.exec(value.trim()) : null;
  return match ? Number(match[1]) : null;
}

/** The server's suggested name, else the last path segment of the final URL; with an extension when the type tells one. */
function fileNameOf(res: SafeResponse, row: UrlImport): string {
  const disposition = res.headers.get("content-disposition") ?? "";
  const star = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(disposition);
  const plain = /filename\s*=\s*"?([^";]+)"?/.exec(disposition);
  let name = "";
  try {
    name = star ? decodeURIComponent(star[1]) : plain ? plain[1] : decodeURIComponent(new URL(res.url).pathname.split("/").pop() ?? "");
  } catch {
    name = "";
  }
  name = name.trim() || row.fileName || "import";
  const type = (res.headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
  const ext = TYPE_EXTENSIONS[type];
  return ext && !extensionOf(name) ? `${name}.${ext}` : name;
}
