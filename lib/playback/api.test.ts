import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { encode } from "next-auth/jwt";
import { db, closeDb } from "@/lib/db/client";
import { proxyLinks, watchProgress } from "@/lib/db/schema";
import * as progressRoute from "@/app/api/videos/[id]/progress/route";
import * as qoeRoute from "@/app/api/qoe/route";
import { QOE_VIEWER_BURST, QOE_VIEWER_PER_SECOND } from "./qoe";
import { env } from "@/lib/env";
import { qoeFastPath } from "@/lib/server/qoe-fast-path";
import { qoeIngest } from "@/lib/stats/qoe-ingest";
import { findQoeReport } from "./queries";
import { createVideo } from "@/test/library-data";
import { createTokenUser } from "@/test/serve-routes";

let owner: Awaited<ReturnType<typeof createTokenUser>>;
let other: Awaited<ReturnType<typeof createTokenUser>>;
let privateVideo: string;
let publicVideo: string;

/** Reel's Node server's fast path alone, on loopback: the reports it answers without Next. */
let fastPathUrl: string;
const fastPathServer = http.createServer((req, res) => void qoeFastPath.handle(req, res, () => undefined));

beforeAll(async () => {
  await new Promise<void>((resolve) => fastPathServer.listen(0, "127.0.0.1", resolve));
  fastPathUrl = `http://127.0.0.1:${(fastPathServer.address() as AddressInfo).port}/api/qoe`;
  [owner, other] = await Promise.all([createTokenUser({ password: null }), createTokenUser({ password: null })]);
  privateVideo = await createVideo(null, { ownerId: owner.user.id, title: "private", visibility: "private", duration: 100 });
  publicVideo = await createVideo(null, { ownerId: owner.user.id, title: "public", duration: 100 });
});
afterAll(async () => {
  await new Promise((resolve) => fastPathServer.close(resolve));
  await closeDb();
});

function call(handler: (r: Request, c: { params: Promise<Record<string, string>> }) => Promise<Response>, method: string, url: string, opts: { auth?: string; body?: unknown; id?: string; contentType?: string } = {}) {
  const headers: Record<string, string> = { "content-type": opts.contentType ?? "application/json" };
  if (opts.auth) headers.authorization = opts.auth;
  const request = new Request(`http://test${url}`, { method, headers, body: opts.body === undefined ? undefined : typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body) });
  return handler(request, { params: Promise.resolve<Record<string, string>>(opts.id ? { id: opts.id } : {}) });
}

describe("progress API", () => {
  it("saves, returns and resumes a position per user", async () => {
    const put = await call(progressRoute.PUT, "PUT", `/api/videos/${privateVideo}/progress`, { auth: owner.authorization, id: privateVideo, body: { position: 42, duration: 100 } });
    expect(put.status).toBe(200);
    const get = await call(progressRoute.GET, "GET", `/api/videos/${privateVideo}/progress`, { auth: owner.authorization, id: privateVideo });
    expect(await get.json()).toMatchObject({ position: 42, duration: 100, finished: false, resumeAt: 39 });
    const [row] = await db.select().from(watchProgress).where(eq(watchProgress.videoId, privateVideo));
    expect(row).toMatchObject({ userId: owner.user.id, position: 42 });
  });

  it("keeps the later position when a report taken earlier arrives late", async () => {
    const video = await createVideo(null, { ownerId: owner.user.id, title: "late", visibility: "private", duration: 100 });
    const save = (body: object) => call(progressRoute.PUT, "PUT", `/api/videos/${video}/progress`, { auth: owner.authorization, id: video, body });
    // Taken offline a minute ago, sent now: nothing newer is stored, so it is kept.
    expect(await (await save({ position: 20, at: Date.now() - 60_000 })).json()).toMatchObject({ position: 20 });
    // Another device saves a position now; the offline one from before that arrives afterwards changes nothing.
    expect((await save({ position: 50 })).status).toBe(200);
    expect(await (await save({ position: 30, at: Date.now() - 30_000 })).json()).toMatchObject({ position: 50 });
    // A clock ahead of the server's counts as now.
    expect(await (await save({ position: 60, at: Date.now() + 3_600_000 })).json()).toMatchObject({ position: 60 });
    const [row] = await db.select().from(watchProgress).where(eq(watchProgress.videoId, video));
    expect(row.position).toBe(60);
    expect(row.updatedAt.getTime()).toBeLessThanOrEqual(Date.now());
  });

  it("upserts and marks >= 95% finished, which starts over", async () => {
    await call(progressRoute.PUT, "PUT", `/api/videos/${publicVideo}/progress`, { auth: other.authorization, id: publicVideo, body: { position: 30 } });
    const put = await call(progressRoute.PUT, "PUT", `/api/videos/${publicVideo}/progress`, { auth: other.authorization, id: publicVideo, body: { position: 96 } });
    expect(await put.json()).toMatchObject({ position: 96, finished: true, resumeAt: 0 });
    const rows = await db.select().from(watchProgress).where(eq(watchProgress.videoId, publicVideo));
    expect(rows).toHaveLength(1);
  });

  it("accepts a sendBeacon-style POST with a text/plain body", async () => {
    const res = await call(progressRoute.POST, "POST", `/api/videos/${publicVideo}/progress`, { auth: owner.authorization, id: publicVideo, body: JSON.stringify({ position: 12 }), contentType: "text/plain;charset=UTF-8" });
    expect(res.status).toBe(200);
  });

  it("requires a signed-in viewer who may watch the video", async () => {
    // An unknown API token is an anonymous caller (a cookie-less request needs Next's request scope, absent here).
    expect((await call(progressRoute.GET, "GET", "/x", { auth: "Bearer reel_unknowntoken", id: privateVideo })).status).toBe(401);
    expect((await call(progressRoute.PUT, "PUT", "/x", { auth: other.authorization, id: privateVideo, body: { position: 1 } })).status).toBe(404);
    expect((await call(progressRoute.GET, "GET", "/x", { auth: other.authorization, id: crypto.randomUUID() })).status).toBe(404);
    expect((await call(progressRoute.GET, "GET", "/x", { auth: other.authorization, id: "not-a-uuid" })).status).toBe(400);
  });

  it("names the bad field", async () => {
    const res = await call(progressRoute.PUT, "PUT", "/x", { auth: owner.authorization, id: privateVideo, body: { position: -5 } });
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toContain("position");
  });
});

type Post = (headers: Record<string, string>, body: string) => Promise<Response>;
const MOUNTS: [string, Post][] = [
  ["the Next route", (headers, body) => qoeRoute.POST(new Request("http://test/api/qoe", { method: "POST", headers, body }), { params: Promise.resolve({}) })],
  ["the Node server's fast path", (headers, body) => fetch(fastPathUrl, { method: "POST", headers, body })],
];

describe.each(MOUNTS)("QoE API through %s", (_, send) => {
  const report = (sessionId: string, extra: Record<string, unknown> = {}) => ({ sessionId, videoId: privateVideo, mode: "hls", startupMs: 180, stallCount: 1, stallMs: 300, ...extra });
  const post = (auth: string, body: unknown, userAgent?: string) => send({ authorization: auth, "content-type": "application/json", ...(userAgent && { "user-agent": userAgent }) }, JSON.stringify(body));

  it("stores a report and merges later ones of the same session, keeping running maxima", async () => {
    const sessionId = `s-${crypto.randomUUID()}`;
    const chrome = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36";
    expect((await post(owner.authorization, report(sessionId, { viewport: { width: 390, height: 844 } }), chrome)).status).toBe(204);
    await qoeIngest.flush();
    const second = await post(owner.authorization, report(sessionId, { startupMs: 999, stallCount: 3, stallMs: 100, qualitySwitches: 2, state: "paused", maxPosition: 12.5, fatalError: "mediaError: x" }), chrome);
    expect(second.status).toBe(204);
    await qoeIngest.flush();
    const row = await findQoeReport(sessionId);
    expect(row).toMatchObject({ userId: owner.user.id, startupMs: 180, stallCount: 3, stallMs: 300, qualitySwitches: 2, state: "paused", maxPosition: 12.5, fatalError: "mediaError: x", reportCount: 2, browser: "chrome", device: "phone" });
  });

  it("writes accepted reports a moment later on its own", async () => {
    const sessionId = `s-${crypto.randomUUID()}`;
    expect((await post(owner.authorization, report(sessionId))).status).toBe(204);
    // Nobody flushes here: the batch's timer writes it.
    const deadline = Date.now() + 10_000;
    while (!(await findQoeReport(sessionId)) && Date.now() < deadline) await new Promise((resolve) => setImmediate(resolve));
    expect(await findQoeReport(sessionId)).toMatchObject({ userId: owner.user.id, startupMs: 180 });
  });

  it("refuses to let another viewer write a stored session", async () => {
    const sessionId = `s-${crypto.randomUUID()}`;
    await post(owner.authorization, report(sessionId));
    await qoeIngest.flush();
    expect((await post(other.authorization, { ...report(sessionId), videoId: publicVideo, stallCount: 50 })).status).toBe(204);
    await qoeIngest.flush();
    expect(await findQoeReport(sessionId)).toMatchObject({ userId: owner.user.id, videoId: privateVideo, stallCount: 1, reportCount: 1 });
  });

  it("rate-limits each viewer", async () => {
    const flooder = await createTokenUser({ password: null });
    // Sent at once, four bursts' worth: the bucket refills QOE_VIEWER_PER_SECOND while they arrive, far fewer.
    const started = performance.now();
    const answers = await Promise.all(Array.from({ length: 4 * QOE_VIEWER_BURST }, () => post(flooder.authorization, { ...report(`s-${crypto.randomUUID()}`), videoId: publicVideo })));
    const seconds = (performance.now() - started) / 1000;
    const refused = answers.filter((a) => a.status === 429);
    const accepted = answers.filter((a) => a.status === 204).length;
    expect(accepted).toBeGreaterThanOrEqual(QOE_VIEWER_BURST);
    expect(accepted).toBeLessThanOrEqual(QOE_VIEWER_BURST + Math.ceil(seconds * QOE_VIEWER_PER_SECOND));
    expect(refused.length).toBeGreaterThan(0);
    expect(answers.every((a) => a.status === 204 || a.status === 429)).toBe(true);
    expect(refused[0].headers.get("retry-after")).toBe("1");
    // Someone else is not affected.
    expect((await post(owner.authorization, report(`s-${crypto.randomUUID()}`))).status).toBe(204);
  });

  it("stores a link's reports under the link, delivered proxied, for its owner only", async () => {
    const [link] = await db
      .insert(proxyLinks)
      .values({ ownerId: owner.user.id, url: `https://cdn.example.test/${crypto.randomUUID()}.mp4`, host: "cdn.example.test", kind: "progressive", contentType: "video/mp4" })
      .returning();
    const linkReport = (sessionId: string, extra: Record<string, unknown> = {}) => ({ sessionId, linkId: link.id, mode: "proxied", startupMs: 240, watchedSeconds: 6, ...extra });
    const sessionId = `s-${crypto.randomUUID()}`;
    expect((await post(owner.authorization, linkReport(sessionId))).status).toBe(204);
    await qoeIngest.flush();
    expect(await findQoeReport(sessionId)).toMatchObject({ userId: owner.user.id, linkId: link.id, videoId: null, mode: "proxied", startupMs: 240, watchedSeconds: 6 });

    // Another member cannot report on it, nor write into its session by naming a video instead.
    expect((await post(other.authorization, linkReport(`s-${crypto.randomUUID()}`))).status).toBe(404);
    expect((await post(owner.authorization, { ...report(sessionId), videoId: publicVideo, stallCount: 9 })).status).toBe(204);
    await qoeIngest.flush();
    expect(await findQoeReport(sessionId)).toMatchObject({ linkId: link.id, videoId: null, stallCount: 0, reportCount: 1 });

    // Exactly one of video and link; "proxied" is a link's delivery and only a link's.
    expect((await post(owner.authorization, linkReport(`s-${crypto.randomUUID()}`, { mode: "hls" }))).status).toBe(400);
    expect((await post(owner.authorization, linkReport(`s-${crypto.randomUUID()}`, { videoId: publicVideo }))).status).toBe(400);
    expect((await post(owner.authorization, report(`s-${crypto.randomUUID()}`, { mode: "proxied" }))).status).toBe(400);
    expect((await post(owner.authorization, { sessionId: `s-${crypto.randomUUID()}`, mode: "mp4" })).status).toBe(400);

    // Removing the link keeps the session's figures.
    await db.delete(proxyLinks).where(eq(proxyLinks.id, link.id));
    expect(await findQoeReport(sessionId)).toMatchObject({ linkId: null, mode: "proxied", startupMs: 240 });
  });

  it("checks the video may be watched and validates the body", async () => {
    expect((await post(other.authorization, report(`s-${crypto.randomUUID()}`))).status).toBe(404);
    expect((await post(owner.authorization, report(`s-${crypto.randomUUID()}`, { droppedFrames: -3 }))).status).toBe(400);
    expect((await post(owner.authorization, report(`s-${crypto.randomUUID()}`, { state: "buffering" }))).status).toBe(400);
    expect((await post(owner.authorization, report(`s-${crypto.randomUUID()}`, { viewport: { width: 1e9, height: 1 } }))).status).toBe(400);
    const broken = await send({ authorization: owner.authorization, "content-type": "application/json" }, "{\"sessionId\":");
    expect(broken.status).toBe(400);
    expect(await broken.json()).toMatchObject({ error: { code: "bad_request" } });
    const large = await post(owner.authorization, report(`s-${crypto.randomUUID()}`, { fatalError: "x".repeat(5000) }));
    expect(large.status).toBe(413);
  });

  it("answers a session cookie from Reel's own pages, refuses one sent from another site", async () => {
    const cookie = `authjs.session-token=${await encode({ token: { sub: owner.user.id }, secret: env.AUTH_SECRET!, salt: "authjs.session-token", maxAge: 3600 })}`;
    const withCookie = (site: string) => send({ cookie, "sec-fetch-site": site, "content-type": "application/json" }, JSON.stringify(report(`s-${crypto.randomUUID()}`)));
    expect((await withCookie("same-origin")).status).toBe(204);
    const refused = await withCookie("cross-site");
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ error: { code: "forbidden" } });
  });
});
