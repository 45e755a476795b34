import { randomBytes, randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { GetObjectCommand } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { afterAll, describe, expect, it } from "vitest";
import { env, paths } from "@/lib/env";
import { createS3Storage } from "./s3";

// The bucket of the tests' S3 API server (test/global-setup.ts), under a prefix of this file's own.
const storage = createS3Storage({ ...env, REEL_S3_PREFIX: `storage-test-${randomUUID().slice(0, 8)}/` });
afterAll(() => storage.client.destroy());

async function folder(files: Record<string, Buffer | string>): Promise<string> {
  const dir = fs.mkdtempSync(path.join(paths.data, "s3-publish-"));
  for (const [name, bytes] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), bytes);
  }
  return dir;
}

async function listed(videoId: string): Promise<string[]> {
  const names: string[] = [];
  for await (const o of storage.list(videoId)) names.push(o.relative);
  return names.sort();
}

describe("media in an S3 bucket", () => {
  it("publishes a folder (large files in parts), reads it back, and a new version drops what it no longer has", async () => {
    const id = randomUUID();
    // Over the part size: goes up as a multipart upload.
    const big = randomBytes(9 * 1024 * 1024);
    await storage.publish(id, "hls", await folder({ "master.m3u8": "#EXTM3U\n", "v240/index.m3u8": "#EXTM3U\n", "v240/seg00000.m4s": big, "v240/seg00001.m4s": "b" }));
    expect(await listed(id)).toEqual(["hls/master.m3u8", "hls/v240/index.m3u8", "hls/v240/seg00000.m4s", "hls/v240/seg00001.m4s"]);

    const work = fs.mkdtempSync(path.join(paths.data, "s3-fetch-"));
    const rung = await storage.fetch(id, "hls/v240", work);
    expect(fs.readFileSync(path.join(rung, "seg00000.m4s")).equals(big)).toBe(true);
    expect(fs.readFileSync(await storage.fetch(id, "hls/master.m3u8", work), "utf8")).toBe("#EXTM3U\n");

    await storage.publish(id, "hls", await folder({ "master.m3u8": "#EXTM3U\n#2\n", "v240/index.m3u8": "#EXTM3U\n", "v240/seg00000.m4s": "a" }));
    expect(await listed(id)).toEqual(["hls/master.m3u8", "hls/v240/index.m3u8", "hls/v240/seg00000.m4s"]);
    expect((await storage.read(id, "hls/master.m3u8"))?.toString()).toBe("#EXTM3U\n#2\n");
    expect(await storage.read(id, "hls/missing.m3u8")).toBeNull();

    await storage.removeVideo(id);
    expect(await listed(id)).toEqual([]);
  });

  it("copies an object into a video's folder inside the bucket, in parts when it is large, byte for byte", async () => {
    const [from, id] = [randomUUID(), randomUUID()];
    const bytes = randomBytes(11 * 1024 * 1024 + 7);
    await storage.publishFile(from, "source/in.bin", path.join(await folder({ "in.bin": bytes }), "in.bin"));
    const fromKey = storage.key(from, "source/in.bin");
    await storage.copyIn(fromKey, id, "source/whole.mp4");
    // Parts of 5 MiB (S3's smallest): three UploadPartCopy ranges, the last one short.
    await storage.copyIn(fromKey, id, "source/parts.mp4", { singleMax: 0, partBytes: 5 * 1024 * 1024 });
    expect(await listed(id)).toEqual(["source/parts.mp4", "source/whole.mp4"]);
    for (const name of ["source/whole.mp4", "source/parts.mp4"]) expect((await storage.read(id, name))!.equals(bytes)).toBe(true);
    expect(await listed(from)).toEqual(["source/in.bin"]);
    await Promise.all([storage.removeVideo(id), storage.removeVideo(from)]);
  });

  it("refuses paths that leave the video's folder, and ids that are not UUIDs", () => {
    expect(() => storage.key(randomUUID(), "../other/x")).toThrow(/escapes/);
    expect(() => storage.key("../../etc", "x")).toThrow(/not a video id/);
  });

  it("hands out presigned URLs the store honours, ranges included, that end when asked", async () => {
    const id = randomUUID();
    const bytes = randomBytes(4096);
    const file = path.join(await folder({ "poster.webp": bytes }), "poster.webp");
    await storage.publishFile(id, "thumbs/poster-320.webp", file);
    expect(fs.existsSync(file)).toBe(false);

    const now = Date.now();
    const expiresAt = Math.floor(now / 1000) + 600;
    const url = await storage.presign(id, "thumbs/poster-320.webp", expiresAt, now);
    expect(new URL(url).pathname).toBe(`/${env.REEL_S3_BUCKET}/${storage.key(id, "thumbs/poster-320.webp")}`);
    const whole = await fetch(url);
    expect(whole.status).toBe(200);
    expect(whole.headers.get("content-type")).toBe("image/webp");
    expect(Buffer.from(await whole.arrayBuffer()).equals(bytes)).toBe(true);
    const range = await fetch(url, { headers: { range: "bytes=100-199" } });
    expect(range.status).toBe(206);
    expect(Buffer.from(await range.arrayBuffer()).equals(bytes.subarray(100, 200))).toBe(true);
    // The same file and expiry within the hour: the same URL (browsers keep their cache).
    expect(await storage.presign(id, "thumbs/poster-320.webp", expiresAt, now + 1000)).toBe(url);

    // moto does not check query-string signatures (it serves a tampered or expired URL), so the expiry
    // is checked where it is written: signing time + lifetime = the expiry asked for.
    const query = new URL(url).searchParams;
    const signedAt = Date.parse(query.get("X-Amz-Date")!.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, "$1-$2-$3T$4:$5:$6Z")) / 1000;
    expect(signedAt + Number(query.get("X-Amz-Expires"))).toBe(expiresAt);
    expect(signedAt).toBeLessThanOrEqual(now / 1000);
  });

  it("signs exactly as the AWS SDK's own presigner does, odd characters in names included", async () => {
    const id = randomUUID();
    const now = Date.now();
    const expiresAt = Math.floor(now / 1000) + 7200;
    const signedAt = Math.floor(now / 3_600_000) * 3600;
    for (const rel of ["hls/v240/seg00001.m4s", "source/Film (1) d'été!*.mkv"]) {
      const ours = new URL(await storage.presign(id, rel, expiresAt, now));
      const sdk = new URL(
        await getSignedUrl(storage.client, new GetObjectCommand({ Bucket: storage.bucket, Key: storage.key(id, rel) }), {
          expiresIn: expiresAt - signedAt,
          signingDate: new Date(signedAt * 1000),
        }),
      );
      expect(ours.origin + ours.pathname).toBe(sdk.origin + sdk.pathname);
      expect(Object.fromEntries(ours.searchParams)).toEqual(Object.fromEntries(sdk.searchParams));
    }
  });

  it("gives presigned URLs the CDN's origin when one is set, keeping the signature", async () => {
    const cdn = createS3Storage({ ...env, REEL_S3_PREFIX: "cdn/", REEL_MEDIA_BASE_URL: "https://media.example.com/" });
    const url = new URL(await cdn.presign(randomUUID(), "mp4/video.mp4", Math.floor(Date.now() / 1000) + 60));
    cdn.client.destroy();
    expect(url.origin).toBe("https://media.example.com");
    expect(url.pathname).toMatch(new RegExp(`^/${env.REEL_S3_BUCKET}/cdn/[0-9a-f-]{36}/mp4/video\\.mp4$`));
    expect(url.searchParams.get("X-Amz-Signature")).toMatch(/^[0-9a-f]{64}$/);
  });
});
