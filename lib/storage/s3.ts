import "server-only";
import { createHash, createHmac, type Hash, type Hmac } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import type { Readable } from "node:stream";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  S3Client,
  UploadPartCopyCommand,
  type S3ClientConfig,
  type _Object,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { SignatureV4 } from "@smithy/signature-v4";
import type { Env } from "@/lib/env";
import { kindOf } from "./mime";
import { checkId, localStorage } from "./local";
import { publishOrder, type PublishedFolder } from "./layout";
import type { MediaStorage, StoredObject } from "./types";

export type S3Settings = Pick<
  Env,
  | "REEL_S3_ENDPOINT"
  | "REEL_S3_REGION"
  | "REEL_S3_BUCKET"
  | "REEL_S3_PREFIX"
  | "REEL_S3_ACCESS_KEY_ID"
  | "REEL_S3_SECRET_ACCESS_KEY"
  | "REEL_S3_FORCE_PATH_STYLE"
  | "REEL_MEDIA_BASE_URL"
>;

/** Files above this go up in parts of this size (S3's minimum part is 5 MiB), several at once. */
const PART_BYTES = 8 * 1024 * 1024;
const PARALLEL_UPLOADS = 4;

/** One CopyObject copies at most 5 GiB; larger objects are copied part by part (UploadPartCopy). */
const SINGLE_COPY_MAX_BYTES = 5 * 1024 ** 3;
const COPY_PART_BYTES = 512 * 1024 ** 2;

export function s3ClientConfig(settings: S3Settings): S3ClientConfig {
  return {
    region: settings.REEL_S3_REGION,
    ...(settings.REEL_S3_ENDPOINT && { endpoint: settings.REEL_S3_ENDPOINT }),
    forcePathStyle: settings.REEL_S3_FORCE_PATH_STYLE,
    ...(settings.REEL_S3_ACCESS_KEY_ID && {
      credentials: { accessKeyId: settings.REEL_S3_ACCESS_KEY_ID, secretAccessKey: settings.REEL_S3_SECRET_ACCESS_KEY! },
    }),
    // Checksums on every request are for stores that ask for them; several S3-compatible stores refuse the new headers.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  };
}

export function s3Client(settings: S3Settings): S3Client {
  return new S3Client(s3ClientConfig(settings));
}

/** Local files under `dir`, as paths relative to it with `/` separators. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join("/"));
}

/** Runs `task` over `items`, `parallel` at a time. */
async function eachLimited<T>(items: T[], parallel: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(parallel, items.length) }, async () => {
      while (next < items.length) await task(items[next++]);
    }),
  );
}

/** SHA-256 for the signer, from Node's crypto. */
class NodeSha256 {
  private readonly hash: Hash | Hmac;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = secret ? createHmac("sha256", bytesOf(secret)) : createHash("sha256");
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(bytesOf(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {}
}

function bytesOf(data: string | ArrayBuffer | ArrayBufferView): string | Uint8Array {
  if (typeof data === "string") return data;
  return ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data);
}

/** RFC 3986 escaping of a key's segments, as S3 signs them (slashes kept). */
function escapeKey(key: string): string {
  return key
    .split("/")
    .map((s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`))
    .join("/");
}

export type S3MediaStorage = MediaStorage & {
  readonly client: S3Client;
  readonly bucket: string;
  /** The object key of a file of a video: `<prefix><videoId>/<relative>`. */
  key(videoId: string, relative: string): string;
  /** Copies one local file to `relative` (the file stays), replacing any object there. */
  put(videoId: string, relative: string, fromFile: string): Promise<void>;
  /** Copies one stored file to the local path `toFile` (its folder is created). */
  get(videoId: string, relative: string, toFile: string): Promise<void>;
  /**
   * Copies the object at `fromKey` (a full key, e.g. a finished upload) to `relative` of a video inside the
   * bucket: no byte passes through Reel. The source object stays. Above `singleMax` bytes the copy goes in parts.
   */
  copyIn(fromKey: string, videoId: string, relative: string, sizes?: { singleMax: number; partBytes: number }): Promise<void>;
  /**
   * A GET URL of one file that expires at `expiresAt` (unix seconds), through the CDN when one is set; with
   * `disposition`, the store answers with that Content-Disposition (`response-content-disposition`: downloads).
   */
  presign(videoId: string, relative: string, expiresAt: number, now?: number, disposition?: string): Promise<string>;
};

/**
 * Media in an S3 bucket, laid out as the local media folder (`<prefix><videoId>/<relative>`).
 * Jobs still work in a local work folder (`localStorage.workDir`); publishing uploads the finished
 * folder (large files in parts), playlists last, then removes the folder's objects the new
 * version no longer has. The video row is written after `publish` returns, so a crashed worker
 * leaves objects no row names (removed by the storage-cleanup job), never a visible half-ladder.
 */
export function createS3Storage(settings: S3Settings): S3MediaStorage {
  const client = s3Client(settings);
  const bucket = settings.REEL_S3_BUCKET!;
  const prefix = settings.REEL_S3_PREFIX;
  const key = (videoId: string, relative: string) => {
    const clean = path.posix.normalize(relative);
    if (clean.startsWith("..") || clean.startsWith("/") || clean === ".") throw new Error(`path escapes the video folder: ${relative}`);
    return `${prefix}${checkId(videoId)}/${clean}`;
  };

  async function* listKeys(keyPrefix: string): AsyncIterable<_Object> {
    let token: string | undefined;
    do {
      const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: keyPrefix, ContinuationToken: token }));
      yield* page.Contents ?? [];
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async function deleteKeys(keys: string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += 1000) {
      const batch = keys.slice(i, i + 1000);
      const result = await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } }));
      if (result.Errors?.length) throw new Error(`could not delete ${result.Errors.length} object(s): ${result.Errors[0].Key} ${result.Errors[0].Message}`);
    }
  }

  async function keysUnder(keyPrefix: string): Promise<string[]> {
    const keys: string[] = [];
    for await (const o of listKeys(keyPrefix)) keys.push(o.Key!);
    return keys;
  }

  async function upload(objectKey: string, file: string): Promise<void> {
    await new Upload({
      client,
      params: { Bucket: bucket, Key: objectKey, Body: createReadStream(file), ContentType: kindOf(objectKey).type },
      partSize: PART_BYTES,
      queueSize: PARALLEL_UPLOADS,
      leavePartsOnError: false,
    }).done();
  }

  /**
   * A playlist names hundreds of segments: each is presigned with the signer alone (about a tenth of
   * the cost of the SDK's getSignedUrl, whose whole middleware stack runs per URL). Where objects live
   * (endpoint, path or virtual-host style) is learnt once from one URL the SDK presigns.
   */
  const signer = new SignatureV4({
    service: "s3",
    region: settings.REEL_S3_REGION,
    credentials: client.config.credentials,
    sha256: NodeSha256,
    uriEscapePath: false,
    applyChecksum: false,
  });
  let objectBase: Promise<{ protocol: string; hostname: string; port?: number; host: string; path: string }> | undefined;
  const probeKey = `${prefix}probe`;
  const base = () =>
    (objectBase ??= getSignedUrl(client, new GetObjectCommand({ Bucket: bucket, Key: probeKey })).then((url) => {
      const u = new URL(url);
      const escaped = escapeKey(probeKey);
      if (!u.pathname.endsWith(escaped)) throw new Error(`unexpected presigned URL shape: ${u.pathname}`);
      return { protocol: u.protocol, hostname: u.hostname, ...(u.port && { port: Number(u.port) }), host: u.host, path: u.pathname.slice(0, -escaped.length) };
    }));

  async function download(objectKey: string, file: string): Promise<void> {
    const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: objectKey }));
    await fs.mkdir(path.dirname(file), { recursive: true });
    await pipeline(object.Body as Readable, createWriteStream(file));
  }

  return {
    kind: "s3",
    client,
    bucket,
    key,
    workDir: (job, videoId, attempt) => localStorage.workDir(job, videoId, attempt),
    removeWork: (job, videoId) => localStorage.removeWork(job, videoId),

    async fetch(videoId, relative, workDir) {
      const target = path.join(workDir, "inputs", relative);
      const objectKey = key(videoId, relative);
      const inside = await keysUnder(`${objectKey}/`);
      if (inside.length) {
        await eachLimited(inside, PARALLEL_UPLOADS, (k) => download(k, path.join(target, k.slice(objectKey.length + 1))));
      } else {
        await download(objectKey, target);
      }
      return target;
    },

    async read(videoId, relative) {
      try {
        const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key(videoId, relative) }));
        return Buffer.from(await object.Body!.transformToByteArray());
      } catch (error) {
        if (error instanceof NoSuchKey) return null;
        throw error;
      }
    },

    async publish(videoId, folder: PublishedFolder, fromDir) {
      const files = await filesUnder(fromDir);
      const base = key(videoId, folder);
      const fresh = new Set(files.map((f) => `${base}/${f}`));
      const ordered = publishOrder(files);
      const plain = ordered.filter((f) => !f.endsWith(".m3u8"));
      await eachLimited(plain, PARALLEL_UPLOADS, (f) => upload(`${base}/${f}`, path.join(fromDir, f)));
      for (const f of ordered.slice(plain.length)) await upload(`${base}/${f}`, path.join(fromDir, f));
      await deleteKeys((await keysUnder(`${base}/`)).filter((k) => !fresh.has(k)));
      await fs.rm(fromDir, { recursive: true, force: true });
    },

    put: (videoId, relative, fromFile) => upload(key(videoId, relative), fromFile),
    get: (videoId, relative, toFile) => download(key(videoId, relative), toFile),

    async publishFile(videoId, relative, fromFile) {
      await upload(key(videoId, relative), fromFile);
      await fs.rm(fromFile, { force: true });
    },

    async removeFile(videoId, relative) {
      await deleteKeys([key(videoId, relative)]);
    },

    async unpublish(videoId, folder) {
      await deleteKeys(await keysUnder(`${key(videoId, folder)}/`));
    },

    async removeVideo(videoId) {
      await deleteKeys(await keysUnder(`${prefix}${checkId(videoId)}/`));
      await localStorage.removeVideo(videoId);
    },

    async *list(videoId): AsyncIterable<StoredObject> {
      const under = videoId ? `${prefix}${checkId(videoId)}/` : prefix;
      for await (const o of listKeys(under)) {
        const rest = o.Key!.slice(prefix.length);
        const slash = rest.indexOf("/");
        const id = rest.slice(0, slash);
        if (slash < 0 || !UUID.test(id)) continue; // not media (e.g. tus uploads under their own prefix)
        yield { videoId: id, relative: rest.slice(slash + 1), size: o.Size ?? 0, modified: o.LastModified ?? new Date(0) };
      }
    },

    async copyIn(fromKey, videoId, relative, sizes = { singleMax: SINGLE_COPY_MAX_BYTES, partBytes: COPY_PART_BYTES }) {
      const to = key(videoId, relative);
      const source = `${bucket}/${escapeKey(fromKey)}`;
      const ContentType = kindOf(to).type;
      const { ContentLength: size = 0 } = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: fromKey }));
      if (size <= sizes.singleMax) {
        await client.send(new CopyObjectCommand({ Bucket: bucket, Key: to, CopySource: source, ContentType, MetadataDirective: "REPLACE" }));
        return;
      }
      const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: to, ContentType }));
      try {
        const ranges = Array.from({ length: Math.ceil(size / sizes.partBytes) }, (_, i) => i);
        const parts: { PartNumber: number; ETag: string }[] = [];
        await eachLimited(ranges, PARALLEL_UPLOADS, async (i) => {
          const first = i * sizes.partBytes;
          const last = Math.min(size, first + sizes.partBytes) - 1;
          const { CopyPartResult } = await client.send(
            new UploadPartCopyCommand({ Bucket: bucket, Key: to, UploadId, PartNumber: i + 1, CopySource: source, CopySourceRange: `bytes=${first}-${last}` }),
          );
          parts.push({ PartNumber: i + 1, ETag: CopyPartResult!.ETag! });
        });
        parts.sort((a, b) => a.PartNumber - b.PartNumber);
        await client.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: to, UploadId, MultipartUpload: { Parts: parts } }));
      } catch (error) {
        await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: to, UploadId })).catch(() => {});
        throw error;
      }
    },

    async presign(videoId, relative, expiresAt, now = Date.now(), disposition) {
      // Signed as of the hour started: the same file and expiry give the same URL all hour long, so
      // browsers and a CDN reuse what they fetched after a reload.
      const signedAt = Math.floor(now / 3_600_000) * 3600;
      const expiresIn = Math.min(MAX_PRESIGN_SECONDS, Math.max(1, expiresAt - signedAt));
      const where = await base();
      const request = await signer.presign(
        {
          method: "GET",
          protocol: where.protocol,
          hostname: where.hostname,
          port: where.port,
          path: where.path + escapeKey(key(videoId, relative)),
          // As the SDK's presigner asks (the payload of a GET is not signed), so URLs are the same as its own.
          headers: { host: where.host, "X-Amz-Content-Sha256": "UNSIGNED-PAYLOAD" },
          query: disposition ? { "response-content-disposition": disposition, "x-id": "GetObject" } : { "x-id": "GetObject" },
        },
        { expiresIn, signingDate: new Date(signedAt * 1000) },
      );
      const query = Object.entries(request.query ?? {})
        .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(String(value))}`)
        .join("&");
      const url = `${where.protocol}//${where.host}${request.path}?${query}`;
      if (!settings.REEL_MEDIA_BASE_URL) return url;
      const signed = new URL(url);
      const cdn = new URL(settings.REEL_MEDIA_BASE_URL);
      return `${cdn.origin}${cdn.pathname.replace(/\/$/, "")}${signed.pathname}${signed.search}`;
    },
  };
}

/** SigV4 presigned URLs live at most a week. */
const MAX_PRESIGN_SECONDS = 7 * 24 * 3600;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
