import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { encode } from "next-auth/jwt";
import { createApiToken } from "@/lib/auth/api-tokens";
import { closeDb, db } from "@/lib/db/client";
import { users, videos, type NewVideo } from "@/lib/db/schema";
import { env, paths } from "@/lib/env";
import { enqueue } from "@/lib/queue";
import { stopProducerBoss } from "@/lib/queue/boss";
import { signOutEverywhere, updateUser } from "@/lib/users/accounts";
import { saveProcessingProgress } from "@/lib/videos/pipeline";
import { asViewer, createTestUser } from "@/test/factories";
import { POST as cancel } from "./cancel/route";
import { GET as chaptersTrack } from "./chapters/route";
import { GET as events } from "./events/route";
import { POST as retry } from "./retry/route";
import { DELETE, GET, PATCH } from "./route";

type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;

const tokens: Record<string, string> = {};
let ownerId: string;
let adminId: string;

async function makeUser(name: string, role: "admin" | "member") {
  const user = await createTestUser({ name, role });
  tokens[name] = (await createApiToken(user.id, "test")).token;
  return user;
}

beforeAll(async () => {
  ownerId = (await makeUser("owner", "member")).id;
  await makeUser("other", "member");
  adminId = (await makeUser("admin", "admin")).id;
});

afterAll(async () => {
  await stopProducerBoss();
  await closeDb();
});

async function makeVideo(values: Partial<NewVideo> = {}) {
  const [video] = await db
    .insert(videos)
    .values({ ownerId, title: "Clip", sourceKind: "upload", sourcePath: `/nonexistent/${randomUUID()}.mp4`, ...values })
    .returning();
  return video;
}

const eventsRequest = (id: string, headers: Record<string, string>) => new Request(`http://127.0.0.1/api/videos/${id}/events`, { headers });

function call(handler: Handler, id: string, as: string | null, init: RequestInit = {}) {
  const headers = new Headers(init.headers);
  if (as) headers.set("authorization", `Bearer ${tokens[as]}`);
  const request = new Request(`http://127.0.0.1/api/videos/${id}`, { ...init, headers });
  return handler(request, { params: Promise.resolve({ id }) });
}

describe("GET /api/videos/:id", () => {
  it("returns status, progress and signed URLs of what exists so far", async () => {
    const video = await makeVideo({
      status: "processing",
      duration: 12.5,
      width: 1280,
      height: 720,
      progress: { step: "hls-ladder", percent: 42, fps: 55, speed: 1.8, etaSeconds: 4 },
      outputs: { mp4: true, poster: [320, 640], completed: ["probe", "faststart", "poster"] },
    });
    const response = await call(GET, video.id, "owner");
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toMatchObject({
      id: video.id,
      status: "processing",
      progress: { step: "hls-ladder", percent: 42, fps: 55, speed: 1.8, etaSeconds: 4 },
      failureReason: null,
      duration: 12.5,
      width: 1280,
      height: 720,
      outputs: { mp4: true, hls: [], poster: [320, 640], storyboard: false },
      canManage: true,
    });
    expect(body.playback.mp4).toMatch(new RegExp(`^/media/[^/]+/${video.id}/mp4/video\\.mp4$`));
    expect(body.playback.hls).toBeNull();
    expect(body.posters.map((p: { width: number }) => p.width)).toEqual([320, 640]);
  });

  it("hides a private video from other members, shows it to admins", async () => {
    const video = await makeVideo();
    expect((await call(GET, video.id, "other")).status).toBe(404);
    expect((await call(GET, video.id, "admin")).status).toBe(200);
  });

  it("answers 400 for an id that is not a UUID", async () => {
    expect((await call(GET, "nope", "owner")).status).toBe(400);
  });

  it("lists chapters: the description's when it has a valid list, else the source's", async () => {
    const probe = { raw: { chapters: [{ start_time: "0.000000", tags: { title: "Opening" } }, { start_time: "30.000000", tags: { title: "Ending" } }] } };
    const fromSource = await makeVideo({ duration: 60, probe, description: "Shot at 0:10 in the morning." });
    expect((await (await call(GET, fromSource.id, "owner")).json()).chapters).toEqual([
      { start: 0, title: "Opening" },
      { start: 30, title: "Ending" },
    ]);
    const typed = await makeVideo({ duration: 60, probe, description: "0:00 Intro\n0:20 Middle\n0:40 End" });
    expect((await (await call(GET, typed.id, "owner")).json()).chapters).toEqual([
      { start: 0, title: "Intro" },
      { start: 20, title: "Middle" },
      { start: 40, title: "End" },
    ]);
    expect((await (await call(GET, (await makeVideo()).id, "owner")).json()).chapters).toEqual([]);

    const track = await call(chaptersTrack, typed.id, "owner");
    expect(track.headers.get("content-type")).toMatch(/^text\/vtt/);
    expect(await track.text()).toBe("WEBVTT\n\n1\n00:00:00.000 --> 00:00:20.000\nIntro\n\n2\n00:00:20.000 --> 00:00:40.000\nMiddle\n\n3\n00:00:40.000 --> 00:01:00.000\nEnd\n");
    expect((await call(chaptersTrack, typed.id, "other")).status).toBe(404);
  });
});

describe("PATCH /api/videos/:id", () => {
  it("lists the alternate audio tracks of the ladder, and none for a video with one audio track", async () => {
    const audioTracks = [
      { language: "en", name: "English", default: true },
      { language: null, name: "Commentary", default: false },
    ];
    const video = await makeVideo({ status: "ready", outputs: { hls: [360], audio: audioTracks } });
    expect((await (await call(GET, video.id, "owner")).json()).audioTracks).toEqual(audioTracks);
    expect((await (await call(GET, (await makeVideo({ status: "ready", outputs: { hls: [360] } })).id, "owner")).json()).audioTracks).toEqual([]);
  });

  it("lets the owner change details, not other members", async () => {
    const video = await makeVideo({ visibility: "public" });
    const body = JSON.stringify({ title: "Better title", tags: ["Cats", "cats", "travel"], visibility: "unlisted" });
    expect((await call(PATCH, video.id, "other", { method: "PATCH", body })).status).toBe(403);
    const response = await call(PATCH, video.id, "owner", { method: "PATCH", body });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ title: "Better title", tags: ["cats", "travel"], visibility: "unlisted" });
    const bad = await call(PATCH, video.id, "owner", { method: "PATCH", body: JSON.stringify({ visibility: "everyone" }) });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.message).toMatch(/visibility/);
  });
});

describe("cancel, retry and delete", () => {
  it("cancels processing (jobs cancelled, status failed: cancelled) and retries it", async () => {
    const video = await makeVideo({ status: "processing", visibility: "public" });
    await enqueue("hls-ladder", { videoId: video.id }, { startAfterSeconds: 3600 });
    expect((await call(cancel, video.id, "other", { method: "POST" })).status).toBe(403);

    const cancelled = await call(cancel, video.id, "owner", { method: "POST" });
    expect(cancelled.status).toBe(200);
    expect(await cancelled.json()).toMatchObject({ status: "failed", failureReason: "cancelled", progress: null });
    const jobs = await db.execute<{ name: string; state: string }>(sql`select name, state::text from pgboss.job where data->>'videoId' = ${video.id}`);
    expect([...jobs]).toEqual([{ name: "hls-ladder", state: "cancelled" }]);
    expect((await call(cancel, video.id, "owner", { method: "POST" })).status).toBe(409);

    const retried = await call(retry, video.id, "admin", { method: "POST" });
    expect(retried.status).toBe(200);
    expect(await retried.json()).toMatchObject({ status: "uploaded", failureReason: null });
    const probe = await db.execute(sql`select 1 from pgboss.job where name = 'probe' and data->>'videoId' = ${video.id}`);
    expect([...probe]).toHaveLength(1);
  });

  it("deletes the row, its jobs and its files", async () => {
    const video = await makeVideo({ status: "ready" });
    const dir = path.join(paths.media, video.id, "mp4");
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "video.mp4"), "x");
    await enqueue("storyboard", { videoId: video.id }, { startAfterSeconds: 3600 });
    expect((await call(DELETE, video.id, "other", { method: "DELETE" })).status).toBe(404);
    expect((await call(DELETE, video.id, "owner", { method: "DELETE" })).status).toBe(204);
    expect(await db.select().from(videos).where(eq(videos.id, video.id))).toEqual([]);
    expect(fs.existsSync(path.join(paths.media, video.id))).toBe(false);
    expect([...(await db.execute(sql`select 1 from pgboss.job where data->>'videoId' = ${video.id}`))]).toEqual([]);
  });
});

/** Reads server-sent events one at a time; throws "stream ended" when the server closes the stream. */
function eventsOf(response: Response) {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  const next = async (): Promise<{ event: string; data: Record<string, unknown> }> => {
    for (;;) {
      const end = buffer.indexOf("\n\n");
      if (end >= 0) {
        const chunk = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.*)$/m.exec(chunk)?.[1];
        const data = /^data: (.*)$/m.exec(chunk)?.[1];
        if (event && data) return { event, data: JSON.parse(data) };
        continue;
      }
      const { value, done } = await reader.read();
      if (done) throw new Error("stream ended");
      buffer += value;
    }
  };
  return { next, cancel: () => reader.cancel() };
}

describe("GET /api/videos/:id/events", () => {
  it("streams the video on every change and says when it is deleted", async () => {
    const video = await makeVideo({ status: "processing" });
    const response = await call(events, video.id, "owner");
    expect(response.headers.get("content-type")).toMatch(/text\/event-stream/);
    const stream = eventsOf(response);
    expect(await stream.next()).toMatchObject({ event: "video", data: { id: video.id, status: "processing", progress: null } });
    await saveProcessingProgress(video.id, { step: "hls-ladder", percent: 12.5, speed: 2 });
    expect(await stream.next()).toMatchObject({ event: "video", data: { progress: { step: "hls-ladder", percent: 12.5, speed: 2 } } });
    expect((await call(DELETE, video.id, "owner", { method: "DELETE" })).status).toBe(204);
    expect((await stream.next()).event).toBe("deleted");
    await expect(stream.next()).rejects.toThrow("stream ended");
  });

  it("tells a viewer the video is gone once it turns private, and sends nothing of it after", async () => {
    const video = await makeVideo({ status: "processing", visibility: "public" });
    const stream = eventsOf(await call(events, video.id, "other"));
    expect(await stream.next()).toMatchObject({ event: "video", data: { id: video.id, title: "Clip" } });
    const hidden = await call(PATCH, video.id, "owner", { method: "PATCH", body: JSON.stringify({ title: "Secret plans", visibility: "private" }) });
    expect(hidden.status).toBe(200);
    expect(await stream.next()).toEqual({ event: "deleted", data: {} });
    await expect(stream.next()).rejects.toThrow("stream ended");
  });

  it("closes when the viewer's account is disabled or their sessions end, before the next push", async () => {
    const video = await makeVideo({ status: "processing", visibility: "public" });
    const admin = asViewer((await db.select().from(users).where(eq(users.id, adminId)))[0]);

    const scripted = await createTestUser();
    const token = (await createApiToken(scripted.id, "test")).token;
    const byToken = eventsOf(await events(eventsRequest(video.id, { authorization: `Bearer ${token}` }), { params: Promise.resolve({ id: video.id }) }));
    const browser = await createTestUser();
    const cookie = `authjs.session-token=${await encode({ token: { sub: browser.id }, secret: env.AUTH_SECRET!, salt: "authjs.session-token" })}`;
    const bySession = eventsOf(await events(eventsRequest(video.id, { cookie }), { params: Promise.resolve({ id: video.id }) }));
    expect((await byToken.next()).event).toBe("video");
    expect((await bySession.next()).event).toBe("video");

    await updateUser(admin, scripted.id, { disabled: true });
    await signOutEverywhere(asViewer(browser));
    await saveProcessingProgress(video.id, { step: "hls-ladder", percent: 50, speed: 1 });
    await expect(byToken.next()).rejects.toThrow("stream ended");
    await expect(bySession.next()).rejects.toThrow("stream ended");
  });
});
