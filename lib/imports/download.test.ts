import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { eq, sql } from "drizzle-orm";

// URL import tests download from a server on loopback, which only this test-only setting allows.
vi.hoisted(() => {
  process.env.REEL_UNSAFE_ALLOW_LOOPBACK_FETCH = "1";
});

import type { Viewer } from "@/lib/auth/viewer";
import { closeDb, db } from "@/lib/db/client";
import { urlImports, videos } from "@/lib/db/schema";
import { paths } from "@/lib/env";
import { stopProducerBoss } from "@/lib/queue/boss";
import * as importsRoute from "@/app/api/imports/route";
import * as importRoute from "@/app/api/imports/[id]/route";
import { partialPath, runImport } from "./download";
import { findImport, insertImport } from "./queries";
import { asViewer } from "@/test/factories";
import { createTokenUser } from "@/test/serve-routes";
import { makeSource } from "@/test/media";

/**
 * Imports recorded without queueing their job: these tests run the download themselves, and a
 * worker started by another test file must not pick the same import up at the same time.
 */
const newImport = (url: string) => insertImport({ ownerId: viewer.id, url });

let clip: Buffer;
let server: http.Server;
let base: string;
let etag = '"v1"';
/** Per path: what the next request should do. */
const behaviour: Record<string, "cut" | "html" | "chunked" | "slow" | "hold" | undefined> = {};
/** "cut" sends half the file, and hangs up once this file (the import's part) holds it. */
let cutWhenWritten = "";
/** "hold" sends half the file, then the rest once the test calls this. */
let release = () => {};
const requests: { path: string; range?: string; ifRange?: string }[] = [];
let viewer: Viewer;
let authorization: string;

beforeAll(async () => {
  clip = fs.readFileSync(makeSource({ name: "remote.mp4", seconds: 2 }));
  server = http.createServer((req, res) => {
    const path = req.url ?? "/";
    requests.push({ path, range: req.headers.range, ifRange: req.headers["if-range"] as string | undefined });
    const mode = behaviour[path];
    if (path === "/missing.mp4") return void res.writeHead(404).end("no");
    if (mode === "html") return void res.writeHead(200, { "content-type": "text/html" }).end("<html>a page</html>");
    if (mode === "chunked") {
      res.writeHead(200, { "content-type": "video/mp4" });
      res.write(clip);
      return void res.end(clip);
    }
    if (mode === "slow") {
      res.writeHead(200, { "content-type": "video/mp4", "content-length": String(clip.length) });
      res.write(clip.subarray(0, 100));
      return;
    }
    let start = 0;
    const match = /^bytes=(\d+)-$/.exec(req.headers.range ?? "");
    const validatorOk = !req.headers["if-range"] || req.headers["if-range"] === etag;
    if (match && validatorOk) start = Number(match[1]);
    const headers: Record<string, string> = { "content-type": "video/mp4", etag, "accept-ranges": "bytes", "content-length": String(clip.length - start) };
    if (start > 0) headers["content-range"] = `bytes ${start}-${clip.length - 1}/${clip.length}`;
    res.writeHead(start > 0 ? 206 : 200, headers);
    if (mode === "hold") {
      const half = Math.floor(clip.length / 2);
      res.write(clip.subarray(start, half));
      release = () => res.end(clip.subarray(half));
      return;
    }
    if (mode === "cut") {
      // The connection dies half-way (worker killed, network lost...), once the importer has written what it was sent:
      // however busy the machine, there is then a part to resume.
      behaviour[path] = undefined;
      const sent = Math.floor(clip.length / 2);
      res.write(clip.subarray(start, start + sent));
      const onDisk = setInterval(() => {
        if ((fs.statSync(cutWhenWritten, { throwIfNoEntry: false })?.size ?? 0) < sent) return;
        clearInterval(onDisk);
        res.destroy();
      }, 10);
      return;
    }
    res.end(clip.subarray(start));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const made = await createTokenUser({ role: "member", canUpload: true });
  viewer = asViewer(made.user);
  authorization = made.authorization;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await stopProducerBoss();
  await closeDb();
});

/** An import whose first download is cut half-way. */
async function newCutImport(path: string) {
  behaviour[path] = "cut";
  const row = await newImport(`${base}${path}`);
  cutWhenWritten = partialPath(row.id);
  return row;
}

async function importJobs(importId: string) {
  return [...(await db.execute<{ name: string }>(sql`select name from pgboss.job where name = 'import-url' and data->>'importId' = ${importId}`))];
}

describe("URL import", () => {
  it("downloads a file, then hands it to the pipeline like an upload", async () => {
    const row = await newImport(`${base}/films/remote.mp4`);
    expect(row.status).toBe("queued");

    const done = await runImport(row.id);
    expect(done).toMatchObject({ status: "done", receivedBytes: clip.length, totalBytes: clip.length, fileName: "remote.mp4" });
    const [video] = await db.select().from(videos).where(eq(videos.id, done!.videoId!));
    expect(video).toMatchObject({ sourceKind: "url", sourceUrl: `${base}/films/remote.mp4`, ownerId: viewer.id, title: "remote", status: "uploaded" });
    expect(fs.readFileSync(video.sourcePath!).equals(clip)).toBe(true);
    expect(video.sourcePath!.startsWith(`${paths.media}/${video.id}/source/`)).toBe(true);
    expect(fs.existsSync(partialPath(row.id))).toBe(false);
  });

  it("resumes an interrupted download with a Range request", async () => {
    const row = await newCutImport("/resume.mp4");
    await expect(runImport(row.id)).rejects.toThrow();
    const partial = fs.statSync(partialPath(row.id)).size;
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(clip.length);
    expect((await findImport(row.id))?.status).toBe("downloading");

    const done = await runImport(row.id);
    expect(done?.status).toBe("done");
    const resumed = requests.filter((r) => r.path === "/resume.mp4").at(-1)!;
    expect(resumed.range).toBe(`bytes=${partial}-`);
    expect(resumed.ifRange).toBe(etag);
    const [video] = await db.select().from(videos).where(eq(videos.id, done!.videoId!));
    expect(fs.readFileSync(video.sourcePath!).equals(clip)).toBe(true);
  });

  it("yields one video when another attempt completed the import meanwhile: this attempt's copy is rolled back", async () => {
    behaviour["/twice.mp4"] = "hold";
    const url = `${base}/twice.mp4`;
    const row = await newImport(url);
    const attempt = runImport(row.id);
    for (let i = 0; i < 100 && !requests.some((r) => r.path === "/twice.mp4"); i++) await new Promise((r) => setTimeout(r, 20));
    // What a retry sees after the first worker registered the video and marked the import done, then died.
    await db.update(urlImports).set({ status: "done" }).where(eq(urlImports.id, row.id));
    release();
    expect(await attempt).toMatchObject({ status: "done", videoId: null });
    expect(await db.select({ id: videos.id }).from(videos).where(eq(videos.sourceUrl, url))).toEqual([]);
    expect(fs.existsSync(partialPath(row.id))).toBe(false);
  });

  it("starts over when the remote file changed since the partial download", async () => {
    const row = await newCutImport("/changed.mp4");
    await expect(runImport(row.id)).rejects.toThrow();
    etag = '"v2"';
    try {
      const done = await runImport(row.id);
      expect(done?.status).toBe("done");
      const [video] = await db.select().from(videos).where(eq(videos.id, done!.videoId!));
      expect(fs.readFileSync(video.sourcePath!).equals(clip)).toBe(true);
    } finally {
      etag = '"v1"';
    }
  });

  it("refuses files over the size limit, from Content-Length or while streaming", async () => {
    const declared = await newImport(`${base}/big.mp4`);
    expect(await runImport(declared.id, { maxBytes: 1000 })).toMatchObject({ status: "failed", failureReason: expect.stringMatching(/more than the import limit of 1000 B/) });

    behaviour["/streamed.mp4"] = "chunked";
    const streamed = await newImport(`${base}/streamed.mp4`);
    expect(await runImport(streamed.id, { maxBytes: clip.length + 10 })).toMatchObject({
      status: "failed",
      failureReason: expect.stringMatching(/larger than the import limit/),
    });
    expect(fs.existsSync(partialPath(streamed.id))).toBe(false);
  });

  it("fails at once, with the reason, for a web page, a 404, or a download over the time limit", async () => {
    behaviour["/page"] = "html";
    const page = await newImport(`${base}/page`);
    expect(await runImport(page.id)).toMatchObject({ status: "failed", failureReason: expect.stringMatching(/web page, not a video file/) });

    const missing = await newImport(`${base}/missing.mp4`);
    expect(await runImport(missing.id)).toMatchObject({ status: "failed", failureReason: "The server answered 404 Not Found" });

    behaviour["/slow.mp4"] = "slow";
    const slow = await newImport(`${base}/slow.mp4`);
    expect(await runImport(slow.id, { timeoutSeconds: 1 })).toMatchObject({ status: "failed", failureReason: expect.stringMatching(/longer than the limit \(1 s\)/) });
  });

  it("stops a download cancelled under way: no video, no partial file, not marked failed", async () => {
    behaviour["/cancelled.mp4"] = "hold";
    const url = `${base}/cancelled.mp4`;
    const row = await newImport(url);
    const attempt = runImport(row.id, { progressIntervalMs: 0 });
    for (let i = 0; i < 100 && !fs.existsSync(partialPath(row.id)); i++) await new Promise((r) => setTimeout(r, 20));
    const res = await importRoute.DELETE(new Request(`http://reel.test/api/imports/${row.id}`, { method: "DELETE", headers: { authorization } }), {
      params: Promise.resolve({ id: row.id }),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { status: string }).status).toBe("cancelled");
    release();
    expect(await attempt).toMatchObject({ status: "cancelled", videoId: null, failureReason: null });
    expect(await db.select({ id: videos.id }).from(videos).where(eq(videos.sourceUrl, url))).toEqual([]);
    expect(fs.existsSync(partialPath(row.id))).toBe(false);
    // A later attempt of its job does nothing; cancelling again is a conflict.
    expect(await runImport(row.id)).toMatchObject({ status: "cancelled" });
    const again = await importRoute.DELETE(new Request(`http://reel.test/api/imports/${row.id}`, { method: "DELETE", headers: { authorization } }), {
      params: Promise.resolve({ id: row.id }),
    });
    expect(again.status).toBe(409);
  });

  it("gives up on the last attempt of a passing failure", async () => {
    const row = await newCutImport("/flaky.mp4");
    expect(await runImport(row.id, { finalAttempt: true })).toMatchObject({ status: "failed" });
    expect(fs.existsSync(partialPath(row.id))).toBe(false);
  });
});

describe("/api/imports", () => {
  const post = (auth: string, url: string) =>
    importsRoute.POST(new Request("http://reel.test/api/imports", { method: "POST", headers: { authorization: auth, "content-type": "application/json" }, body: JSON.stringify({ url }) }), {
      params: Promise.resolve({}),
    });

  it("refuses unsafe URLs at once, with the reason", async () => {
    for (const url of ["http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/x.mp4", "file:///etc/passwd", "http://user:pw@example.com/a.mp4", "http://[::ffff:192.168.1.1]/a.mp4"]) {
      const res = await post(authorization, url);
      expect([400, 403]).toContain(res.status);
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/not allowed|Only http and https/);
    }
  });

  it("accepts a good URL for uploaders only, and shows an import to its owner only", async () => {
    const member = await createTokenUser({ role: "member", canUpload: false });
    expect((await post(member.authorization, `${base}/a.mp4`)).status).toBe(403);

    const res = await post(authorization, `${base}/a.mp4`);
    expect(res.status).toBe(202);
    const created = (await res.json()) as { id: string; status: string };
    expect(created.status).toBe("queued");
    expect(await importJobs(created.id)).toEqual([{ name: "import-url" }]);

    const get = (auth: string) => importRoute.GET(new Request(`http://reel.test/api/imports/${created.id}`, { headers: { authorization: auth } }), { params: Promise.resolve({ id: created.id }) });
    expect((await get(authorization)).status).toBe(200);
    expect((await get(member.authorization)).status).toBe(404);
    const cancel = (auth: string) =>
      importRoute.DELETE(new Request(`http://reel.test/api/imports/${created.id}`, { method: "DELETE", headers: { authorization: auth } }), { params: Promise.resolve({ id: created.id }) });
    expect((await cancel(member.authorization)).status).toBe(404);
    expect((await cancel(authorization)).status).toBe(200);
    expect(((await (await get(authorization)).json()) as { status: string }).status).toBe("cancelled");
  });
});
