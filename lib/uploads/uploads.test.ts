import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import * as tus from "tus-js-client";
import { closeDb, db } from "@/lib/db/client";
import { apiTokens, videos } from "@/lib/db/schema";
import { encode } from "next-auth/jwt";
import { env, paths } from "@/lib/env";
import { stopProducerBoss } from "@/lib/queue/boss";
import * as uploadRoute from "@/app/api/uploads/[[...path]]/route";
import { VIDEO_ID_HEADER } from "./server";
import { createTokenUser, serveRoutes } from "@/test/serve-routes";
import { makeSource } from "@/test/media";

/**
 * The tus endpoint end to end: the real route module over real HTTP, driven by tus-js-client (the
 * same client the upload page uses), against the real database and queue.
 */

let server: Awaited<ReturnType<typeof serveRoutes>>;
let clip: string;
let clipBytes: Buffer;

beforeAll(async () => {
  server = await serveRoutes({ "/api/uploads": uploadRoute });
  clip = makeSource({ name: "clip one.mp4", seconds: 2 });
  clipBytes = fs.readFileSync(clip);
});

afterAll(async () => {
  await server.close();
  await stopProducerBoss();
  await closeDb();
});

/** An in-memory tus URL storage: what localStorage is in the browser. */
function memoryStorage(): tus.UrlStorage {
  const items = new Map<string, tus.PreviousUpload & { fingerprint: string }>();
  return {
    findAllUploads: async () => [...items.values()],
    findUploadsByFingerprint: async (fp) => [...items.values()].filter((u) => u.fingerprint === fp),
    removeUpload: async (key) => void items.delete(key),
    addUpload: async (fingerprint, upload) => {
      const key = `tus::${fingerprint}::${items.size}`;
      items.set(key, { ...upload, urlStorageKey: key, fingerprint });
      return key;
    },
  };
}

type Outcome = { kind: "success"; videoId: string | null; url: string | null } | { kind: "interrupted"; url: string | null } | { kind: "error"; status: number; body: string };

function upload(file: Buffer, options: { authorization?: string; chunkSize?: number; stopAfterChunks?: number; storage?: tus.UrlStorage; resume?: boolean; filename?: string }) {
  return new Promise<Outcome>((resolve) => {
    let chunks = 0;
    const u: tus.Upload = new tus.Upload(file, {
      endpoint: `${server.url}/api/uploads`,
      chunkSize: options.chunkSize ?? 16 * 1024,
      // A kept-alive socket to the previous server dies with it; the client retries like it would after a restart.
      retryDelays: [50, 200],
      headers: options.authorization ? { authorization: options.authorization } : {},
      metadata: { filename: options.filename ?? "clip one.mp4", filetype: "video/mp4" },
      urlStorage: options.storage,
      storeFingerprintForResuming: Boolean(options.storage),
      removeFingerprintOnSuccess: true,
      fingerprint: async () => "fingerprint-of-clip",
      onChunkComplete() {
        chunks++;
        if (options.stopAfterChunks && chunks >= options.stopAfterChunks) {
          void u.abort().then(() => resolve({ kind: "interrupted", url: u.url }));
        }
      },
      onSuccess: ({ lastResponse }) => resolve({ kind: "success", videoId: lastResponse.getHeader(VIDEO_ID_HEADER) ?? null, url: u.url }),
      onError: (error) => {
        const res = (error as tus.DetailedError).originalResponse;
        resolve({ kind: "error", status: res?.getStatus() ?? 0, body: res?.getBody() ?? String(error) });
      },
    });
    const begin = async () => {
      if (options.resume) {
        const previous = await u.findPreviousUploads();
        if (previous.length > 0) u.resumeFromPreviousUpload(previous[0]);
      }
      u.start();
    };
    void begin();
  });
}

async function probeJobs(videoId: string) {
  const rows = await db.execute<{ name: string }>(sql`select name from pgboss.job where name = 'probe' and data->>'videoId' = ${videoId}`);
  return [...rows];
}

describe("tus uploads", () => {
  it("uploads in chunks, survives an interruption and a server restart, and hands the file to the pipeline", async () => {
    const { user, authorization } = await createTokenUser({ role: "member", canUpload: true });
    const storage = memoryStorage();
    const chunkSize = 16 * 1024;
    expect(clipBytes.length).toBeGreaterThan(chunkSize * 3);

    const first = await upload(clipBytes, { authorization, chunkSize, stopAfterChunks: 2, storage });
    expect(first.kind).toBe("interrupted");
    const uploadId = path.basename(first.kind === "interrupted" ? (first.url ?? "") : "");
    expect(fs.statSync(path.join(paths.uploads, uploadId)).size).toBe(2 * chunkSize);

    // Restart: a new server process has an empty memory; the partial upload on disk is all that is left.
    const port = server.port;
    await server.close();
    (globalThis as { reelUploadServer?: unknown }).reelUploadServer = undefined;
    server = await serveRoutes({ "/api/uploads": uploadRoute }, port);

    const second = await upload(clipBytes, { authorization, chunkSize, storage, resume: true });
    expect(second).toMatchObject({ kind: "success" });
    const videoId = second.kind === "success" ? second.videoId : null;
    expect(videoId).toMatch(/^[0-9a-f-]{36}$/);

    // It continued from the server's offset instead of starting again.
    expect(server.seen.map((r) => r.method)).toContain("HEAD");
    const patches = server.seen.filter((r) => r.method === "PATCH");
    expect(patches[0].headers["upload-offset"]).toBe(String(2 * chunkSize));
    expect(server.seen.some((r) => r.method === "POST")).toBe(false);

    const [video] = await db.select().from(videos).where(eq(videos.id, videoId!));
    expect(video).toMatchObject({ ownerId: user.id, sourceKind: "upload", status: "uploaded", title: "clip one", size: clipBytes.length });
    expect(video.sourcePath).toBe(path.join(paths.media, videoId!, "source", "clip one.mp4"));
    expect(fs.readFileSync(video.sourcePath!).equals(clipBytes)).toBe(true);
    expect(await probeJobs(videoId!)).toEqual([{ name: "probe" }]);
    // The partial file is gone from uploads/; only the small record remains, for clients that lost the answer.
    expect(fs.existsSync(path.join(paths.uploads, uploadId))).toBe(false);
    expect(await storage.findAllUploads()).toEqual([]);

    // A client that lost the final response asks with HEAD and learns the video id.
    const head = await fetch(`${server.url}/api/uploads/${uploadId}`, { method: "HEAD", headers: { authorization, "tus-resumable": "1.0.0" } });
    expect(head.status).toBe(200);
    expect(head.headers.get("upload-offset")).toBe(String(clipBytes.length));
    expect(head.headers.get(VIDEO_ID_HEADER)).toBe(videoId);
    expect(head.headers.get("access-control-expose-headers")).toContain(VIDEO_ID_HEADER);
  });

  it("returns the video id on a single-request upload too, with a safe file name", async () => {
    const { authorization } = await createTokenUser({ role: "admin" });
    const result = await upload(clipBytes, { authorization, chunkSize: 10 * 1024 * 1024, filename: "../../etc/passwd .mp4" });
    expect(result.kind).toBe("success");
    const videoId = result.kind === "success" ? result.videoId! : "";
    const [video] = await db.select().from(videos).where(eq(videos.id, videoId));
    expect(path.dirname(video.sourcePath!)).toBe(path.join(paths.media, videoId, "source"));
    expect(path.basename(video.sourcePath!)).toBe("passwd.mp4");
  });

  it("refuses an upload larger than the limit with 413 before any byte is sent", async () => {
    const { authorization } = await createTokenUser({ role: "admin" });
    const res = await fetch(`${server.url}/api/uploads`, {
      method: "POST",
      headers: { authorization, "tus-resumable": "1.0.0", "upload-length": String(21 * 1024 ** 3) },
    });
    expect(res.status).toBe(413);
  });

  it("needs a valid credential with upload rights for every request", async () => {
    const post = (authorization?: string) =>
      fetch(`${server.url}/api/uploads`, {
        method: "POST",
        headers: { ...(authorization ? { authorization } : {}), "tus-resumable": "1.0.0", "upload-length": "10" },
      });
    expect((await post()).status).toBe(401);
    expect((await post("Bearer reel_not-a-real-token")).status).toBe(401);
    const member = await createTokenUser({ role: "member", canUpload: false });
    expect((await post(member.authorization)).status).toBe(403);

    const revoked = await createTokenUser({ role: "admin" });
    await db.update(apiTokens).set({ revokedAt: new Date() }).where(eq(apiTokens.userId, revoked.user.id));
    expect((await post(revoked.authorization)).status).toBe(401);
  });

  it("accepts the session cookie from Reel's own pages, and refuses it from other sites", async () => {
    const { user } = await createTokenUser({ role: "admin" });
    const salt = "authjs.session-token";
    const cookie = `${salt}=${await encode({ token: { sub: user.id }, secret: env.AUTH_SECRET!, salt })}`;
    const create = (site: string) =>
      fetch(`${server.url}/api/uploads`, { method: "POST", headers: { cookie, "sec-fetch-site": site, "tus-resumable": "1.0.0", "upload-length": "10" } });
    expect((await create("same-origin")).status).toBe(201);
    expect((await create("cross-site")).status).toBe(403);
  });

  it("lets nobody but the owner touch an upload (PATCH, HEAD, DELETE)", async () => {
    const owner = await createTokenUser({ role: "member", canUpload: true });
    const other = await createTokenUser({ role: "admin" });
    const created = await fetch(`${server.url}/api/uploads`, {
      method: "POST",
      headers: { authorization: owner.authorization, "tus-resumable": "1.0.0", "upload-length": "100", "upload-metadata": `filename ${Buffer.from("a.mp4").toString("base64")}` },
    });
    expect(created.status).toBe(201);
    const location = created.headers.get("location")!;
    expect(location).toMatch(/^\/api\/uploads\/[0-9a-f]{32}$/);
    const url = `${server.url}${location}`;
    const tusHeaders = { "tus-resumable": "1.0.0" };

    const head = (authorization: string) => fetch(url, { method: "HEAD", headers: { ...tusHeaders, authorization } });
    const patch = (authorization: string) =>
      fetch(url, { method: "PATCH", headers: { ...tusHeaders, authorization, "upload-offset": "0", "content-type": "application/offset+octet-stream" }, body: "x".repeat(10) });
    const del = (authorization: string) => fetch(url, { method: "DELETE", headers: { ...tusHeaders, authorization } });

    expect((await head(other.authorization)).status).toBe(404);
    expect((await patch(other.authorization)).status).toBe(404);
    expect((await del(other.authorization)).status).toBe(404);
    expect((await head("Bearer reel_nobody")).status).toBe(401);

    // Untouched by all that: the owner continues and then cancels.
    const own = await head(owner.authorization);
    expect(own.status).toBe(200);
    expect(own.headers.get("upload-offset")).toBe("0");
    expect((await patch(owner.authorization)).status).toBe(204);
    expect((await del(owner.authorization)).status).toBe(204);
    expect((await head(owner.authorization)).status).toBe(404);
  });

  it("does not let a client choose the owner through metadata", async () => {
    const owner = await createTokenUser({ role: "member", canUpload: true });
    const victim = await createTokenUser({ role: "admin" });
    const meta = [`filename ${Buffer.from("b.mp4").toString("base64")}`, `reelOwner ${Buffer.from(victim.user.id).toString("base64")}`].join(",");
    const created = await fetch(`${server.url}/api/uploads`, {
      method: "POST",
      headers: { authorization: owner.authorization, "tus-resumable": "1.0.0", "upload-length": "5", "upload-metadata": meta },
    });
    const url = `${server.url}${created.headers.get("location")}`;
    expect((await fetch(url, { method: "HEAD", headers: { authorization: victim.authorization, "tus-resumable": "1.0.0" } })).status).toBe(404);
    expect((await fetch(url, { method: "HEAD", headers: { authorization: owner.authorization, "tus-resumable": "1.0.0" } })).status).toBe(200);
  });
});
