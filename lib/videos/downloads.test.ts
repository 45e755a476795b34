import { randomBytes, randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as downloadRoute } from "@/app/api/videos/[id]/download/route";
import { PATCH as videoPatch } from "@/app/api/videos/[id]/route";
import { closeDb, db } from "@/lib/db/client";
import { videos, type Video } from "@/lib/db/schema";
import { paths } from "@/lib/env";
import { createMediaHandler } from "@/lib/media/node-adapter";
import { downloadUrl } from "@/lib/media/urls";
import { setSetting } from "@/lib/settings";
import { createTokenUser, routeDispatcher } from "@/test/serve-routes";

/**
 * Downloads over real HTTP: the API that signs download URLs (who may ask) and the media byte path that answers them
 * (with the name, ranges, and nothing for an expired or altered URL), both served on loopback as Reel serves them.
 */

const HOSTILE_TITLE = 'Holiday "best"/../\r\nX-Evil: 1; été';
const original = randomBytes(50_000);
const mp4 = randomBytes(20_000);
let base: string;
let server: http.Server;
const auth: Record<string, string> = {};
let ownerId: string;
const made: string[] = [];

const withId = (handler: typeof downloadRoute) => (request: Request) =>
  handler(request, { params: Promise.resolve({ id: new URL(request.url).pathname.split("/")[3] }) });

beforeAll(async () => {
  const owner = await createTokenUser({ name: "dl-owner" });
  ownerId = owner.user.id;
  auth.owner = owner.authorization;
  auth.admin = (await createTokenUser({ name: "dl-admin", role: "admin" })).authorization;
  auth.member = (await createTokenUser({ name: "dl-member" })).authorization;
  const media = createMediaHandler({ bucket: null, accelPrefix: null });
  const { dispatch } = routeDispatcher({
    "/api/videos/": { GET: withId(downloadRoute), PATCH: withId(videoPatch as typeof downloadRoute) },
  });
  server = http.createServer((req, res) => void (req.url?.startsWith("/media/") ? media(req, res) : dispatch(req, res)));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  for (const id of made) await fs.rm(path.join(paths.media, id), { recursive: true, force: true });
  await setSetting("guestAccess", false);
  await closeDb();
});

async function makeVideo(values: Partial<Video> = {}): Promise<Video> {
  const id = randomUUID();
  made.push(id);
  const dir = path.join(paths.media, id);
  await fs.mkdir(path.join(dir, "source"), { recursive: true });
  await fs.mkdir(path.join(dir, "mp4"), { recursive: true });
  await fs.writeFile(path.join(dir, "source/upload.mov"), original);
  await fs.writeFile(path.join(dir, "mp4/video.mp4"), mp4);
  const [video] = await db
    .insert(videos)
    .values({
      id,
      ownerId,
      title: HOSTILE_TITLE,
      sourceKind: "upload",
      sourcePath: path.join(dir, "source/upload.mov"),
      size: original.length,
      status: "ready",
      outputs: { mp4: true },
      ...values,
    })
    .returning();
  return video;
}

const links = (id: string, as: string | null) =>
  fetch(`${base}/api/videos/${id}/download`, { headers: as ? { authorization: auth[as] } : {} });

async function urlsFor(id: string, as: string | null): Promise<Record<string, string>> {
  const res = await links(id, as);
  expect(res.status).toBe(200);
  const body = (await res.json()) as { files: Array<{ kind: string; url: string }> };
  return Object.fromEntries(body.files.map((f) => [f.kind, f.url]));
}

function filenameStar(header: string | null): string {
  return decodeURIComponent(/filename\*=UTF-8''(\S+)$/.exec(header ?? "")?.[1] ?? "");
}

describe("who may download", () => {
  it("the owner gets both files, saved under the cleaned title, byte for byte", async () => {
    const video = await makeVideo();
    const urls = await urlsFor(video.id, "owner");
    expect(Object.keys(urls).sort()).toEqual(["mp4", "original"]);
    const res = await fetch(base + urls.original);
    expect(res.status).toBe(200);
    const disposition = res.headers.get("content-disposition");
    expect(disposition).toMatch(/^attachment; filename="[\x20-\x7e]+"; filename\*=UTF-8''/);
    expect(filenameStar(disposition)).toBe("Holiday _best_.._ X-Evil_ 1_ été.mov");
    expect(Buffer.from(await res.arrayBuffer()).equals(original)).toBe(true);
    const asMp4 = await fetch(base + urls.mp4);
    expect(filenameStar(asMp4.headers.get("content-disposition"))).toBe("Holiday _best_.._ X-Evil_ 1_ été.mp4");
    expect(Buffer.from(await asMp4.arrayBuffer()).equals(mp4)).toBe(true);
  });

  it("an admin may download a member's private video", async () => {
    const video = await makeVideo({ visibility: "private" });
    expect(Object.keys(await urlsFor(video.id, "admin")).sort()).toEqual(["mp4", "original"]);
  });

  it("a member who may watch downloads only once an admin allows it; the owner cannot allow it", async () => {
    const video = await makeVideo({ visibility: "public" });
    expect((await links(video.id, "member")).status).toBe(403);
    const patch = (as: string) =>
      fetch(`${base}/api/videos/${video.id}`, { method: "PATCH", headers: { authorization: auth[as], "content-type": "application/json" }, body: JSON.stringify({ downloadable: true }) });
    expect((await patch("owner")).status).toBe(403);
    expect((await db.select().from(videos).where(eq(videos.id, video.id)))[0].downloadable).toBe(false);
    expect((await patch("admin")).status).toBe(200);
    const urls = await urlsFor(video.id, "member");
    expect((await fetch(base + urls.original)).status).toBe(200);
  });

  it("a member who may not watch the video learns nothing (404), even when downloads are allowed", async () => {
    const video = await makeVideo({ visibility: "private", downloadable: true });
    expect((await links(video.id, "member")).status).toBe(404);
  });

  it("an anonymous visitor of a public video (guest access on) downloads only when allowed", async () => {
    await setSetting("guestAccess", true);
    const closed = await makeVideo({ visibility: "public" });
    const open = await makeVideo({ visibility: "public", downloadable: true });
    expect((await links(closed.id, null)).status).toBe(403);
    const urls = await urlsFor(open.id, null);
    expect((await fetch(base + urls.mp4)).status).toBe(200);
    await setSetting("guestAccess", false);
    expect((await links(open.id, null)).status).toBe(404);
  });
});

describe("download URLs", () => {
  it("resume: a Range request is answered with 206 and the name", async () => {
    const video = await makeVideo();
    const { original: url } = await urlsFor(video.id, "owner");
    const res = await fetch(base + url, { headers: { range: "bytes=1000-1999" } });
    expect(res.status).toBe(206);
    expect(res.headers.get("content-range")).toBe(`bytes 1000-1999/${original.length}`);
    expect(res.headers.get("content-disposition")).toMatch(/^attachment;/);
    expect(Buffer.from(await res.arrayBuffer()).equals(original.subarray(1000, 2000))).toBe(true);
  });

  it("an expired URL is refused (403)", async () => {
    const video = await makeVideo();
    const expired = downloadUrl(video, "original", video.title, { ttlSeconds: 60, now: Date.now() - 3_600_000 })!;
    expect((await fetch(base + expired)).status).toBe(403);
    const fresh = downloadUrl(video, "original", video.title)!;
    expect((await fetch(base + fresh)).status).toBe(200);
  });

  it("an altered URL is refused (403): another name, another file, another signature, or no name", async () => {
    const video = await makeVideo();
    const { original: url } = await urlsFor(video.id, "owner");
    const [pathPart, query] = url.split("?");
    const token = pathPart.split("/")[2];
    const flipped = token.slice(0, -1) + (token.endsWith("A") ? "B" : "A");
    const altered = [
      `${pathPart}?download=evil.exe`,
      `${pathPart.replace("source/upload.mov", "mp4/video.mp4")}?${query}`,
      `${pathPart.replace(token, flipped)}?${query}`,
      // A download token is not a playback token: without the name it opens nothing.
      pathPart,
    ];
    for (const u of altered) expect((await fetch(base + u)).status, u).toBe(403);
  });
});
