import "server-only";
import os from "node:os";
import { ListMultipartUploadsCommand, ListObjectsV2Command, type MultipartUpload, type _Object } from "@aws-sdk/client-s3";
import { S3Store } from "@tus/s3-store";
import { ERRORS, Upload, type KvStore } from "@tus/utils";
import { s3ClientConfig, type S3Settings } from "@/lib/storage/s3";
import { assertRoomFor } from "./disk";
import { UPLOAD_ID, VIDEO_KEY, type ReelUploadStore, type UploadRecord } from "./store";
import type { SourceBytes } from "./adopt";

/**
 * No cache of upload records: another web server may have changed one (its length, its video id) since
 * this one last read it, and every request must see the bucket's truth.
 */
const noCache: KvStore<never> = { get: async () => undefined, set: async () => {}, delete: async () => {} };

const SUFFIXES = /\.(info|part)$/;

/**
 * tus uploads kept in the bucket, so that any web server can resume any upload (`REEL_STORAGE=s3`): the
 * bytes go up as the parts of one S3 multipart upload under `<REEL_S3_PREFIX>uploads/<id>`, a tail
 * shorter than S3's smallest part waits in `<id>.part`, the record (owner, name, length, video id) is
 * `<id>.info`. The same Reel rules as the file store (./store.ts): expiry counts from the last byte
 * received, and a finished upload keeps its record, naming the video its bytes became.
 */
export class BucketUploadStore extends S3Store implements ReelUploadStore {
  private readonly prefix: string;

  constructor(settings: S3Settings, options: { expiryMs: number }) {
    super({
      s3ClientConfig: { ...s3ClientConfig(settings), bucket: settings.REEL_S3_BUCKET! },
      expirationPeriodInMilliseconds: options.expiryMs,
      // Expiry is Reel's own (deleteExpired below); several S3-compatible stores have no object tags.
      useTags: false,
      cache: noCache,
    });
    this.prefix = `${settings.REEL_S3_PREFIX}uploads/`;
    const prefix = this.prefix;
    // tus's S3 store names objects by upload id alone: every key it sends is put under Reel's prefix here.
    this.client.middlewareStack.add(
      (next) => (args) => {
        const input = args.input as { Key?: string; Delete?: { Objects?: { Key?: string }[] } };
        if (input.Key !== undefined) input.Key = prefix + input.Key;
        for (const o of input.Delete?.Objects ?? []) if (o.Key !== undefined) o.Key = prefix + o.Key;
        return next(args);
      },
      { step: "initialize", name: "reelUploadPrefix" },
    );
  }

  /** The finished upload's object (its full key), copied into the video's folder by the hand-over. */
  finishedBytes(id: string): SourceBytes {
    if (!UPLOAD_ID.test(id)) throw ERRORS.FILE_NOT_FOUND;
    return { object: this.prefix + id };
  }

  async getRecord(id: string): Promise<UploadRecord | null> {
    if (!UPLOAD_ID.test(id)) return null;
    try {
      return (await this.getMetadata(id)).file;
    } catch {
      return null;
    }
  }

  async getUpload(id: string): Promise<Upload> {
    if (!UPLOAD_ID.test(id)) throw ERRORS.FILE_NOT_FOUND;
    const upload = await super.getUpload(id);
    upload.creation_date = new Date(await this.lastActivity(id)).toISOString();
    return upload;
  }

  /** The bytes now belong to the video (copied into its folder): the upload's object goes, its record stays. */
  async markFinished(upload: Upload, videoId: string): Promise<void> {
    const { "upload-id": uploadId } = await this.getMetadata(upload.id);
    await this.saveMetadata(new Upload({ ...upload, offset: upload.size ?? upload.offset, metadata: { ...upload.metadata, [VIDEO_KEY]: videoId } }), uploadId);
    await this.client.deleteObject({ Bucket: this.bucket, Key: upload.id });
  }

  /** tus's S3 store leaves the tail of a removed upload behind. */
  async remove(id: string): Promise<void> {
    await super.remove(id);
    await this.deleteIncompletePart(id);
  }

  /** Parts are cut in the system's temp folder before they go up: at most one part per PATCH lands there at a time. */
  assertRoom(incoming: number, reserve: number): Promise<void> {
    return assertRoomFor(os.tmpdir(), Math.min(incoming, this.calcOptimalPartSize(undefined)), reserve);
  }

  /**
   * Newest write of an upload: its record, its tail, its object, or any of its parts. A multipart upload's
   * `Initiated` is not used: some S3-compatible servers answer a fixed date there (moto_server does).
   */
  private async lastActivity(id: string, listed?: _Object[]): Promise<number> {
    const objects = listed ?? (await this.listUnder(this.prefix + id));
    const stamps = objects.map((o) => o.LastModified?.getTime() ?? 0);
    try {
      for (const part of await this.retrieveParts(id)) stamps.push(part.LastModified?.getTime() ?? 0);
    } catch {
      // finished or aborted: no parts left
    }
    return Math.max(0, ...stamps);
  }

  private async listUnder(keyPrefix: string): Promise<_Object[]> {
    const all: _Object[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: keyPrefix, ContinuationToken: token }));
      all.push(...(page.Contents ?? []));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return all;
  }

  private async multipartUploads(): Promise<MultipartUpload[]> {
    const all: MultipartUpload[] = [];
    let KeyMarker: string | undefined;
    let UploadIdMarker: string | undefined;
    for (;;) {
      const page = await this.client.send(new ListMultipartUploadsCommand({ Bucket: this.bucket, Prefix: this.prefix, KeyMarker, UploadIdMarker }));
      all.push(...(page.Uploads ?? []));
      if (!page.IsTruncated) return all;
      ({ NextKeyMarker: KeyMarker, NextUploadIdMarker: UploadIdMarker } = page);
    }
  }

  /**
   * Removes every upload (parts, tail, record, a finished object not yet handed over) with no write for
   * longer than the expiry. Only ids of Reel's form under the uploads prefix are touched.
   */
  async deleteExpired(): Promise<number> {
    const expiry = this.getExpiration();
    if (expiry <= 0) return 0;
    // Multipart uploads first: one created after this listing then has its record in the next one.
    const multipart = new Map<string, MultipartUpload>();
    for (const u of await this.multipartUploads()) {
      const id = u.Key!.slice(this.prefix.length);
      if (UPLOAD_ID.test(id)) multipart.set(id, u);
    }
    const objects = new Map<string, _Object[]>();
    for (const o of await this.listUnder(this.prefix)) {
      const id = o.Key!.slice(this.prefix.length).replace(SUFFIXES, "");
      if (UPLOAD_ID.test(id)) objects.set(id, [...(objects.get(id) ?? []), o]);
    }
    const now = Date.now();
    let removed = 0;
    for (const id of new Set([...multipart.keys(), ...objects.keys()])) {
      const listed = objects.get(id) ?? [];
      if (now - (await this.lastActivity(id, listed)) <= expiry) continue;
      // No record listed: either what a crash right after creating the multipart upload left, or an upload
      // whose record is being written this very moment.
      if (listed.length === 0 && (await this.getRecord(id))) continue;
      const open = multipart.get(id);
      if (open) await this.client.abortMultipartUpload({ Bucket: this.bucket, Key: id, UploadId: open.UploadId });
      await this.client.deleteObjects({ Bucket: this.bucket, Delete: { Objects: [{ Key: id }, { Key: this.infoKey(id) }, { Key: this.partKey(id, true) }], Quiet: true } });
      removed++;
    }
    return removed;
  }
}
