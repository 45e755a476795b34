import { createHash } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

// Uploads and media in the tests' bucket (test/global-setup.ts) under a prefix of this file's own, and a database
// of this file's own, whose queue only this file's worker serves. Set before lib/env is read.
const { prefix, fresh } = await vi.hoisted(async () => {
  const value = `web-servers-${Math.random().toString(36).slice(2, 10)}/`;
  Object.assign(process.env, { REEL_STORAGE: "s3", REEL_S3_PREFIX: value });
  const { freshDatabase } = await import("@/test/fresh-database");
  return { prefix: value, fresh: await freshDatabase() };
});

import { env } from "@/lib/env";
import { storage } from "@/lib/storage";
import { findVideo } from "@/lib/videos/queries";
import { freePort } from "@/scripts/lib/ports";
import { makeSource } from "@/test/media";
import { createTokenUser } from "@/test/serve-routes";
import { settled, waitForVideo } from "@/test/videos";
import { startWebProcess } from "@/test/web-process";
import { startWorkerProcess } from "@/test/worker-process";
import { VIDEO_ID_HEADER } from "./server";
import { BucketUploadStore } from "./bucket-store";

type Backend = "A" | "B";

/**
 * Two Reel web processes, each with a data folder of its own, on one database and one bucket, behind a
 * small proxy that sends the first half of an upload's PATCHes to A and the rest to B (HEAD goes where the
 * next PATCH will). One worker, elsewhere, processes what arrives.
 */
const children: { child: import("node:child_process").ChildProcess }[] = [];
const folders: string[] = [];
let proxy: http.Server;
let proxyUrl = "";
/** Which web server the proxy sends PATCH and HEAD requests to now, and where each request went. */
let target: Backend = "A";
const routed: { method: string; backend: Backend }[] = [];
let authorization = "";

beforeAll(async () => {
  authorization = (await createTokenUser({ role: "member", canUpload: true })).authorization;
  const webs: Record<Backend, string> = { A: "", B: "" };
  for (const name of ["A", "B"] as const) {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `reel-web-${name}-`));
    folders.push(dataDir);
    const web = await startWebProcess(await freePort(env.PORT + 60), { REEL_DATA_DIR: dataDir });
    children.push(web);
    webs[name] = web.url;
  }
  // The worker shares no disk with the web servers either: only the database and the bucket.
  const worker = startWorkerProcess({ REEL_DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), "reel-worker-")) });
  children.push(worker);
  await worker.ready;
  proxy = http.createServer((req, res) => {
    const backend: Backend = req.method === "POST" ? "A" : target;
    routed.push({ method: req.method!, backend });
    const upstream = http.request(`${webs[backend]}${req.url}`, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode!, answer.headers);
      answer.pipe(res);
    });
    upstream.on("error", (err) => res.destroy(err));
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as import("node:net").AddressInfo).port}`;
}, 120_000);

afterAll(async () => {
  for (const { child } of children) if (child.exitCode === null) child.kill("SIGKILL");
  await new Promise((resolve) => proxy?.close(resolve));
  for (const dir of folders) fs.rmSync(dir, { recursive: true, force: true });
  for await (const o of storage.list()) await storage.removeFile(o.videoId, o.relative);
  await fresh.drop();
});

const tus = () => ({ authorization, "tus-resumable": "1.0.0" });
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

async function create(name: string, size: number): Promise<string> {
  const created = await fetch(`${proxyUrl}/api/uploads`, {
    method: "POST",
    headers: { ...tus(), "upload-length": String(size), "upload-metadata": `filename ${Buffer.from(name).toString("base64")}` },
  });
  expect(created.status).toBe(201);
  return created.headers.get("location")!;
}

async function head(location: string): Promise<Response> {
  return fetch(`${proxyUrl}${location}`, { method: "HEAD", headers: tus() });
}

async function patch(location: string, offset: number, bytes: Uint8Array): Promise<Response> {
  return fetch(`${proxyUrl}${location}`, {
    method: "PATCH",
    headers: { ...tus(), "upload-offset": String(offset), "content-type": "application/offset+octet-stream" },
    body: new Uint8Array(bytes),
  });
}

/** Every object left under the uploads prefix, relative to it. */
async function uploadObjects(): Promise<string[]> {
  const { s3Client } = await import("@/lib/storage/s3");
  const { ListObjectsV2Command } = await import("@aws-sdk/client-s3");
  const client = s3Client(env);
  const page = await client.send(new ListObjectsV2Command({ Bucket: env.REEL_S3_BUCKET!, Prefix: `${prefix}uploads/` }));
  client.destroy();
  return (page.Contents ?? []).map((o) => o.Key!.slice(`${prefix}uploads/`.length)).sort();
}

describe("two web servers, one bucket, one database", () => {
  it("an upload started on one web server resumes on the other and becomes a ready video", async () => {
    // Noise compresses badly: ~15 MB, so the upload has full S3 parts as well as a short tail.
    const file = makeSource({
      name: "two-servers.mp4",
      width: 426,
      height: 240,
      seconds: 3,
      codecArgs: ["-vf", "noise=alls=60:allf=t", "-c:v", "libx264", "-preset", "ultrafast", "-qp", "0", "-pix_fmt", "yuv420p", "-c:a", "aac"],
    });
    const bytes = fs.readFileSync(file);
    expect(bytes.length).toBeGreaterThan(10 * 1024 * 1024);
    const chunk = Math.ceil(bytes.length / 4);

    target = "A";
    const location = await create("two-servers.mp4", bytes.length);
    const id = path.basename(location);
    let offset = 0;
    let finished: Response | null = null;
    for (let n = 0; n < 4; n++) {
      if (n === 2) target = "B";
      // Each PATCH starts where the server the proxy now picks says the upload stands.
      const before = await head(location);
      expect(before.status).toBe(200);
      expect(Number(before.headers.get("upload-offset"))).toBe(offset);
      const answer = await patch(location, offset, bytes.subarray(offset, offset + chunk));
      expect(answer.status).toBe(204);
      offset = Number(answer.headers.get("upload-offset"));
      expect(offset).toBe(Math.min(bytes.length, (n + 1) * chunk));
      finished = answer;
    }
    const patches = routed.filter((r) => r.method === "PATCH").map((r) => r.backend);
    expect(patches).toEqual(["A", "A", "B", "B"]);

    const videoId = finished!.headers.get(VIDEO_ID_HEADER)!;
    expect(videoId).toMatch(/^[0-9a-f-]{36}$/);
    // Either server knows the outcome: A, which never saw the end, answers with the video too.
    target = "A";
    const after = await head(location);
    expect(after.headers.get(VIDEO_ID_HEADER)).toBe(videoId);
    expect(after.headers.get("upload-offset")).toBe(String(bytes.length));
    const again = await patch(location, bytes.length, new Uint8Array(1));
    expect(again.status).toBe(409);

    // The source arrived byte for byte in the video's folder; of the upload only its record remains.
    const video = await findVideo(videoId);
    const source = await storage.read(videoId, `source/${path.basename(video!.sourcePath!)}`);
    expect(sha256(source!)).toBe(sha256(bytes));
    expect(await uploadObjects()).toEqual([`${id}.info`]);

    const done = await waitForVideo(videoId, settled, 180_000);
    expect(done).toMatchObject({ status: "ready", failureReason: null });
  }, 300_000);

  it("a finished upload that is not a video is refused with a reason; an upload left alone expires from the bucket", async () => {
    const text = Buffer.from("#EXTM3U\n#EXT-X-ENDLIST\n".repeat(100));
    target = "B";
    const location = await create("notes.mp4", text.length);
    const answer = await patch(location, 0, text);
    expect(answer.status).toBe(204);
    const refused = await waitForVideo(answer.headers.get(VIDEO_ID_HEADER)!, settled, 60_000);
    expect(refused.status).toBe("failed");
    expect(refused.failureReason).toMatch(/not a video format Reel/);

    // Half an upload, then silence: the sweep of any web server removes its parts, tail and record.
    const abandoned = await create("abandoned.mp4", 2000);
    expect((await patch(abandoned, 0, new Uint8Array(1000))).status).toBe(204);
    const abandonedId = path.basename(abandoned);
    expect(await uploadObjects()).toEqual(expect.arrayContaining([`${abandonedId}.info`, `${abandonedId}.part`]));
    const sweeper = new BucketUploadStore({ ...env, REEL_S3_PREFIX: prefix }, { expiryMs: 1 });
    await vi.waitFor(async () => expect(await sweeper.deleteExpired()).toBeGreaterThan(0), { timeout: 10_000 });
    expect((await uploadObjects()).filter((k) => k.startsWith(abandonedId))).toEqual([]);
    expect((await head(abandoned)).status).toBe(404);
  }, 120_000);
});
