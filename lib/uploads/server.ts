import { randomBytes } from "node:crypto";
import fs from "node:fs";
import { Server, type Upload } from "@tus/server";
import type { Viewer } from "@/lib/auth/viewer";
import { env, paths } from "@/lib/env";
import { isAppError } from "@/lib/errors";
import { childLogger } from "@/lib/log";
import type { S3Settings } from "@/lib/storage/s3";
import { adoptSourceFile } from "./adopt";
import { BucketUploadStore } from "./bucket-store";
import { titleFromFileName } from "./names";
import { OWNER_KEY, UploadStore, VIDEO_KEY, type ReelUploadStore } from "./store";

const log = childLogger("uploads");

/** No trailing slash: Next answers `/api/uploads/` with a 308, which tus clients treat as a failure. */
export const UPLOAD_PATH = "/api/uploads";
/** Sent on the response that completes an upload (and on HEAD of a finished one). */
export const VIDEO_ID_HEADER = "Reel-Video-Id";

export type UploadServerOptions = {
  /** Partial uploads (and their JSON records), unless they live in a bucket. */
  directory: string;
  /** Keeps partial uploads in this bucket instead, where every web server can resume them (`REEL_STORAGE=s3`). */
  bucket?: S3Settings;
  maxSize: number;
  /** Disk space that must stay free after an upload is accepted. */
  reserveBytes: number;
  /** Untouched partial uploads are removed after this long. */
  expiryMs: number;
};

export type UploadServer = {
  /** Serves one tus request for an already authorised uploader (route handlers check access first). */
  handle(request: Request, viewer: Viewer): Promise<Response>;
  /** tus preflight: no credentials involved. */
  options(request: Request): Promise<Response>;
  cleanUpExpired(): Promise<number>;
  store: ReelUploadStore;
};

/** What tus turns into a response when a hook throws. */
type TusError = { status_code: number; body: string };

function toTusError(error: unknown): TusError {
  if (isAppError(error)) return { status_code: error.status, body: `${error.message}\n` };
  if (error && typeof error === "object" && "status_code" in error) return error as TusError;
  log.error({ err: error }, "upload hook failed");
  return { status_code: 500, body: "The upload could not be completed; try again\n" };
}

/** Only the file's name and type are taken from the client; the owner is the authenticated viewer. */
function creationMetadata(client: Upload["metadata"], ownerId: string): Record<string, string> {
  const clean = (v: string | null | undefined, max: number) =>
    (v ?? "")
      .replace(/[\u0000-\u001f\u007f]/g, "")
      .trim()
      .slice(0, max);
  const filename = clean(client?.filename ?? client?.name, 255) || "upload";
  const filetype = clean(client?.filetype ?? client?.type, 100);
  return { filename, ...(filetype ? { filetype } : {}), [OWNER_KEY]: ownerId };
}

function tusText(status: number, body: string): Response {
  return new Response(body, { status, headers: { "Tus-Resumable": "1.0.0", "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" } });
}

/** The upload id from `/api/uploads/<id>`, or null for the collection itself. */
function uploadIdOf(url: string): string | null {
  const { pathname } = new URL(url);
  if (!pathname.startsWith(`${UPLOAD_PATH}/`)) return null;
  return pathname.slice(UPLOAD_PATH.length + 1);
}

export function createUploadServer(options: UploadServerOptions): UploadServer {
  let store: ReelUploadStore;
  if (options.bucket) {
    store = new BucketUploadStore(options.bucket, { expiryMs: options.expiryMs });
  } else {
    // FileStore creates its folder asynchronously; the disk check of a first request would find it missing.
    fs.mkdirSync(options.directory, { recursive: true, mode: 0o700 });
    store = new UploadStore({ directory: options.directory, expirationPeriodInMilliseconds: options.expiryMs });
  }
  /** The viewer of each creation request, for onUploadCreate (tus hooks only see the request). */
  const creators = new WeakMap<Request, Viewer>();
  /** One hand-over per upload even if the final PATCH and a HEAD race. */
  const finishing = new Map<string, Promise<string>>();

  function finish(upload: Upload): Promise<string> {
    const pending = finishing.get(upload.id);
    if (pending) return pending;
    const run = (async () => {
      const metadata = upload.metadata ?? {};
      const originalName = metadata.filename ?? "upload";
      const video = await adoptSourceFile({
        ...store.finishedBytes(upload.id),
        originalName,
        ownerId: metadata[OWNER_KEY] ?? null,
        title: titleFromFileName(originalName),
        sourceKind: "upload",
        size: upload.size ?? upload.offset,
      });
      await store.markFinished(upload, video.id);
      log.info({ uploadId: upload.id, videoId: video.id, size: upload.size }, "upload finished");
      return video.id;
    })().finally(() => finishing.delete(upload.id));
    finishing.set(upload.id, run);
    return run;
  }

  const tus = new Server({
    path: UPLOAD_PATH,
    datastore: store,
    maxSize: options.maxSize,
    // A relative Location works behind any proxy without trusting X-Forwarded-* headers.
    relativeLocation: true,
    exposedHeaders: [VIDEO_ID_HEADER],
    namingFunction: () => randomBytes(16).toString("hex"),
    async onUploadCreate(req, upload) {
      const viewer = creators.get(req as Request);
      if (!viewer) throw { status_code: 401, body: "Sign in to upload\n" } satisfies TusError;
      try {
        await store.assertRoom(upload.size ?? 0, options.reserveBytes);
      } catch (error) {
        throw toTusError(error);
      }
      return { metadata: creationMetadata(upload.metadata, viewer.id) };
    },
    async onIncomingRequest(req) {
      if (req.method !== "PATCH") return;
      try {
        await store.assertRoom(Number(req.headers.get("content-length") ?? 0) || 0, options.reserveBytes);
      } catch (error) {
        throw toTusError(error);
      }
    },
    async onUploadFinish(_req, upload) {
      try {
        return { headers: { [VIDEO_ID_HEADER]: await finish(upload) } };
      } catch (error) {
        throw toTusError(error);
      }
    },
  });

  function handOverFailed(err: unknown): null {
    log.error({ err }, "handing a complete upload over failed again");
    return null;
  }

  async function handle(request: Request, viewer: Viewer): Promise<Response> {
    const id = uploadIdOf(request.url);
    if (request.method === "POST") {
      if (id !== null) return tusText(405, "Create uploads with POST /api/uploads\n");
      creators.set(request, viewer);
      return tus.handleWeb(request);
    }
    // Everything else addresses one upload, which must be the viewer's own. Someone else's upload
    // answers exactly like a missing one, so ids cannot be probed.
    const record = id ? await store.getRecord(id) : null;
    if (!id || !record || record.metadata?.[OWNER_KEY] !== viewer.id) return tusText(404, "The file for this url was not found\n");
    const videoId = record.metadata?.[VIDEO_KEY] ?? null;
    if (request.method === "DELETE" && videoId) {
      return tusText(400, "This upload has finished; delete the video instead\n");
    }
    // Its bytes have moved to the video: there is nothing left to append to (tus would try, and fail with a 500).
    if (request.method === "PATCH" && videoId) {
      const response = tusText(409, "This upload has finished; it takes no more bytes\n");
      response.headers.set(VIDEO_ID_HEADER, videoId);
      return response;
    }
    const response = await tus.handleWeb(request);
    if (request.method === "HEAD" && response.status === 200) {
      const complete = response.headers.get("Upload-Offset") === response.headers.get("Upload-Length");
      // A complete upload whose hand-over failed earlier (database down...) is handed over now.
      const finishedId = videoId ?? (complete ? await finish(await store.getUpload(id)).catch(handOverFailed) : null);
      if (finishedId) response.headers.set(VIDEO_ID_HEADER, finishedId);
    }
    return response;
  }

  return {
    handle,
    options: (request) => tus.handleWeb(request),
    cleanUpExpired: () => tus.cleanUpExpiredUploads(),
    store,
  };
}

const globalForUploads = globalThis as unknown as { reelUploadServer?: UploadServer; reelUploadTimer?: NodeJS.Timeout };

/** The process-wide upload server, configured from the environment. */
export function uploadServer(): UploadServer {
  if (!globalForUploads.reelUploadServer) {
    globalForUploads.reelUploadServer = createUploadServer({
      directory: paths.uploads,
      ...(env.REEL_STORAGE === "s3" && { bucket: env }),
      maxSize: env.REEL_UPLOAD_MAX_BYTES,
      reserveBytes: env.REEL_DISK_RESERVE_BYTES,
      expiryMs: env.REEL_UPLOAD_EXPIRY_HOURS * 3600_000,
    });
    startUploadCleanup();
  }
  return globalForUploads.reelUploadServer;
}

/**
 * Removes expired partial uploads now and then every hour (or every quarter of the expiry when
 * that is shorter). It runs in the web process because partial uploads live on the web server's
 * disk, or in the bucket the web servers write them to (each web server sweeps it; removing an
 * upload twice is harmless). Idempotent; the timer never keeps the process alive.
 */
export function startUploadCleanup(): void {
  if (globalForUploads.reelUploadTimer) return;
  const run = () =>
    uploadServer()
      .cleanUpExpired()
      .then((removed) => removed > 0 && log.info({ removed }, "expired uploads removed"))
      .catch((err) => log.warn({ err }, "cleaning expired uploads failed"));
  const every = Math.min(3600_000, (env.REEL_UPLOAD_EXPIRY_HOURS * 3600_000) / 4);
  globalForUploads.reelUploadTimer = setInterval(run, every);
  globalForUploads.reelUploadTimer.unref();
  void run();
}
