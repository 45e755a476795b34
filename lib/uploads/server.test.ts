import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Viewer } from "@/lib/auth/viewer";
import { closeDb } from "@/lib/db/client";
import { stopProducerBoss } from "@/lib/queue/boss";
import { freeBytes } from "@/lib/storage/disk";
import { createUploadServer, type UploadServerOptions } from "./server";
import { asViewer, createTestUser } from "@/test/factories";
import { serveRoutes } from "@/test/serve-routes";

/** Limits and expiry, on upload servers configured for each case (the route uses the environment's). */

let viewer: Viewer;
const servers: Awaited<ReturnType<typeof serveRoutes>>[] = [];

beforeAll(async () => {
  viewer = asViewer(await createTestUser({ role: "admin" }));
});

afterAll(async () => {
  for (const s of servers) await s.close();
  await stopProducerBoss();
  await closeDb();
});

async function start(overrides: Partial<UploadServerOptions> = {}) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "reel-uploads-"));
  const uploads = createUploadServer({
    directory: path.join(root, "uploads"),
    maxSize: 1024 * 1024,
    reserveBytes: 0,
    expiryMs: 3600_000,
    ...overrides,
  });
  const handle = (request: Request) => uploads.handle(request, viewer);
  const http = await serveRoutes({ "/api/uploads": { POST: handle, PATCH: handle, HEAD: handle, DELETE: handle } });
  servers.push(http);
  const create = (headers: Record<string, string>) => fetch(`${http.url}/api/uploads`, { method: "POST", headers: { "tus-resumable": "1.0.0", ...headers } });
  const patch = (location: string, offset: number, body: Uint8Array) =>
    fetch(`${http.url}${location}`, {
      method: "PATCH",
      headers: { "tus-resumable": "1.0.0", "upload-offset": String(offset), "content-type": "application/offset+octet-stream" },
      body: new Uint8Array(body),
    });
  const head = (location: string) => fetch(`${http.url}${location}`, { method: "HEAD", headers: { "tus-resumable": "1.0.0" } });
  return { uploads, dir: path.join(root, "uploads"), create, patch, head };
}

describe("upload limits", () => {
  it("answers 413 for a declared length over the limit, and for a deferred-length upload that grows past it", async () => {
    const s = await start({ maxSize: 1000 });
    expect((await s.create({ "upload-length": "1001" })).status).toBe(413);

    const deferred = await s.create({ "upload-defer-length": "1" });
    expect(deferred.status).toBe(201);
    const location = deferred.headers.get("location")!;
    expect((await s.patch(location, 0, Buffer.alloc(600))).status).toBe(204);
    expect((await s.patch(location, 600, Buffer.alloc(600))).status).toBe(413);
  });

  it("answers 507 with a clear message when the upload would eat into the disk reserve", async () => {
    const s = await start({ reserveBytes: 0 });
    const free = await freeBytes(os.tmpdir());
    const tight = await start({ reserveBytes: free - 1000, maxSize: 1024 ** 4 });
    const refused = await tight.create({ "upload-length": String(10 * 1024 * 1024) });
    expect(refused.status).toBe(507);
    expect(await refused.text()).toMatch(/Not enough free disk space on the server: .* free, this needs 10\.0 MB/);
    expect(fs.readdirSync(tight.dir)).toEqual([]);
    // The same request with room to spare is accepted.
    expect((await s.create({ "upload-length": "5000" })).status).toBe(201);
  });
});

describe("expiry", () => {
  it("removes uploads left alone for longer than the expiry, keeps active ones, and forgets finished records", async () => {
    const s = await start({ expiryMs: 60_000 });
    const abandoned = (await s.create({ "upload-length": "100" })).headers.get("location")!;
    expect((await s.patch(abandoned, 0, Buffer.alloc(10))).status).toBe(204);
    const active = (await s.create({ "upload-length": "100" })).headers.get("location")!;
    expect((await s.patch(active, 0, Buffer.alloc(10))).status).toBe(204);

    const id = path.basename(abandoned);
    const old = new Date(Date.now() - 120_000);
    for (const f of [id, `${id}.json`]) fs.utimesSync(path.join(s.dir, f), old, old);
    // A stray record whose data file vanished, also old.
    fs.writeFileSync(path.join(s.dir, `${"f".repeat(32)}.json`), "{}");
    fs.utimesSync(path.join(s.dir, `${"f".repeat(32)}.json`), old, old);
    // Something that is not an upload is never touched.
    fs.writeFileSync(path.join(s.dir, "README"), "keep");
    fs.utimesSync(path.join(s.dir, "README"), old, old);

    expect(await s.uploads.cleanUpExpired()).toBe(2);
    expect(fs.existsSync(path.join(s.dir, id))).toBe(false);
    expect(fs.existsSync(path.join(s.dir, `${id}.json`))).toBe(false);
    expect(fs.existsSync(path.join(s.dir, "README"))).toBe(true);
    expect((await s.head(abandoned)).status).toBe(404);

    const alive = await s.head(active);
    expect(alive.status).toBe(200);
    expect(alive.headers.get("upload-offset")).toBe("10");
  });

  it("counts expiry from the last byte received, and says so in Upload-Expires", async () => {
    const s = await start({ expiryMs: 60_000 });
    const location = (await s.create({ "upload-length": "100" })).headers.get("location")!;
    const id = path.basename(location);
    // Created an hour ago, last byte 10 s ago: still alive, expiring 60 s after that byte.
    const created = new Date(Date.now() - 3600_000);
    const lastByte = new Date(Date.now() - 10_000);
    fs.utimesSync(path.join(s.dir, `${id}.json`), created, created);
    fs.utimesSync(path.join(s.dir, id), lastByte, lastByte);
    const res = await s.patch(location, 0, Buffer.alloc(10));
    expect(res.status).toBe(204);
    const expires = Date.parse(res.headers.get("upload-expires") ?? "");
    expect(expires).toBeGreaterThan(Date.now() + 40_000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 60_000);
    expect(await s.uploads.cleanUpExpired()).toBe(0);
    expect((await s.head(location)).status).toBe(200);

    // Left alone past the expiry: gone for the protocol at once (410), and for the disk at the next cleanup.
    const stale = new Date(Date.now() - 120_000);
    for (const f of [id, `${id}.json`]) fs.utimesSync(path.join(s.dir, f), stale, stale);
    expect((await s.head(location)).status).toBe(410);
    expect(await s.uploads.cleanUpExpired()).toBe(1);
  });
});

describe("client mistakes", () => {
  it("answers 409, not 500, to a PATCH of a finished upload, empty or not, and the upload stays finished", async () => {
    const s = await start();
    const empty = await s.create({ "upload-length": "0" });
    expect(empty.status).toBe(201);
    const videoId = empty.headers.get("reel-video-id");
    expect(videoId).toMatch(/^[0-9a-f-]{36}$/);
    const full = await s.create({ "upload-length": "5" });
    expect((await s.patch(full.headers.get("location")!, 0, Buffer.alloc(5))).status).toBe(204);

    for (const [location, offset] of [[empty.headers.get("location")!, 0], [full.headers.get("location")!, 5]] as const) {
      for (const body of [Buffer.alloc(0), Buffer.alloc(3)]) {
        const response = await s.patch(location, offset, body);
        expect(response.status, `${location} +${body.length}`).toBe(409);
      }
      const head = await s.head(location);
      expect(head.status).toBe(200);
      expect(head.headers.get("upload-offset")).toBe(String(offset));
    }
    expect((await s.head(empty.headers.get("location")!)).headers.get("reel-video-id")).toBe(videoId);
  });
});
