import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { closeDb, db } from "@/lib/db/client";
import { captions, videos } from "@/lib/db/schema";
import { paths } from "@/lib/env";
import { stopProducerBoss } from "@/lib/queue/boss";
import { registerSource } from "@/lib/videos/ingest";
import * as captionRoute from "@/app/api/videos/[id]/captions/route";
import * as oneCaptionRoute from "@/app/api/videos/[id]/captions/[captionId]/route";
import { MAX_CAPTION_BYTES, srtToVtt, toWebVtt } from "./captions";
import { createTokenUser } from "@/test/serve-routes";

const SRT = "1\r\n00:00:01,000 --> 00:00:02,500\r\nHello <i>there</i> & <font color=\"red\">you</font>\r\n\r\n2\r\n00:00:03,000 --> 00:00:04,000 X1:10 X2:20\r\nTwo lines\r\nhere\r\n";

describe("srtToVtt", () => {
  it("converts timing, keeps the markup WebVTT knows and escapes the rest", () => {
    expect(srtToVtt(SRT.replace(/\r\n/g, "\n"))).toBe(
      "WEBVTT\n\n00:00:01.000 --> 00:00:02.500\nHello <i>there</i> &amp; you\n\n00:00:03.000 --> 00:00:04.000\nTwo lines\nhere\n",
    );
  });

  it("explains what is wrong with a broken file", () => {
    expect(() => srtToVtt("1\n00:00:01 --> soon\nHi\n")).toThrow(/cue 1 has a bad time/);
    expect(() => srtToVtt("just some text\n")).toThrow(/no timing line/);
  });

  it("reads Windows-1252 files and drops a UTF-8 BOM", () => {
    const latin1 = Buffer.from("1\n00:00:01,000 --> 00:00:02,000\nCaf\xe9\n", "latin1");
    expect(toWebVtt("a.srt", latin1)).toContain("Café");
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from("WEBVTT\n\n00:01.000 --> 00:02.000\nHi\n")]);
    expect(toWebVtt("a.vtt", bom).startsWith("WEBVTT")).toBe(true);
  });

  it("refuses what is not a caption file", () => {
    expect(() => toWebVtt("a.vtt", Buffer.from("hello"))).toThrow(/does not start with WEBVTT/);
    expect(() => toWebVtt("a.ass", Buffer.from("[Script Info]"))).toThrow(/must be .vtt or .srt/);
    expect(() => toWebVtt("a.srt", Buffer.alloc(0))).toThrow(/empty/);
  });
});

describe("POST /api/videos/:id/captions", () => {
  afterAll(async () => {
    await stopProducerBoss();
    await closeDb();
  });

  /** The route handler called the way Next calls it: a Web Request and the route params. */
  const post = async (videoId: string, authorization: string, form: FormData) => {
    const request = new Request(`http://reel.test/api/videos/${videoId}/captions`, { method: "POST", headers: { authorization }, body: form });
    return captionRoute.POST(request, { params: Promise.resolve({ id: videoId }) });
  };
  const srtForm = (extra: Record<string, string> = {}) => {
    const form = new FormData();
    form.set("file", new File([SRT], "film.en.srt"));
    for (const [k, v] of Object.entries(extra)) form.set(k, v);
    return form;
  };

  it("stores an .srt as WebVTT under the video's captions folder, for the owner", async () => {
    const owner = await createTokenUser({ role: "member", canUpload: true });
    const video = await registerSource({ ownerId: owner.user.id, title: "v", sourceKind: "upload", sourcePath: "/tmp/none.mp4" });
    const res = await post(video.id, owner.authorization, srtForm({ lang: "en", label: "English" }));
    expect(res.status).toBe(201);
    const body = (await res.json()) as { id: string; lang: string; label: string };
    expect(body).toMatchObject({ lang: "en", label: "English" });
    const [row] = await db.select().from(captions).where(eq(captions.id, body.id));
    expect(row).toMatchObject({ videoId: video.id, origin: "upload", lang: "en" });
    expect(row.file).toBe(`${body.id}.vtt`);
    const stored = fs.readFileSync(path.join(paths.media, video.id, "captions", row.file), "utf8");
    expect(stored.startsWith("WEBVTT\n\n00:00:01.000 --> 00:00:02.500")).toBe(true);
  });

  it("lets admins in, keeps other users out, and refuses bad input with the reason", async () => {
    const owner = await createTokenUser({ role: "member", canUpload: true });
    const stranger = await createTokenUser({ role: "member", canUpload: true });
    const admin = await createTokenUser({ role: "admin" });
    const video = await registerSource({ ownerId: owner.user.id, title: "v", sourceKind: "upload", sourcePath: "/tmp/none2.mp4" });

    // A video the stranger cannot see answers as if it did not exist, like every other video route.
    expect((await post(video.id, stranger.authorization, srtForm())).status).toBe(404);
    const shown = await registerSource({ ownerId: owner.user.id, title: "p", sourceKind: "upload", sourcePath: "/tmp/none2p.mp4" });
    await db.update(videos).set({ visibility: "public" }).where(eq(videos.id, shown.id));
    expect((await post(shown.id, stranger.authorization, srtForm())).status).toBe(403);
    expect((await post(video.id, "Bearer reel_bogus", srtForm())).status).toBe(401);
    expect((await post("00000000-0000-4000-8000-000000000000", admin.authorization, srtForm())).status).toBe(404);
    expect((await post(video.id, admin.authorization, srtForm())).status).toBe(201);

    const badLang = await post(video.id, owner.authorization, srtForm({ lang: "english!!" }));
    expect(badLang.status).toBe(400);
    expect(((await badLang.json()) as { error: { message: string } }).error.message).toMatch(/lang/);

    const big = new FormData();
    big.set("file", new File([Buffer.alloc(MAX_CAPTION_BYTES + 200 * 1024, 65)], "huge.vtt"));
    expect((await post(video.id, owner.authorization, big)).status).toBe(413);

    const twice = srtForm();
    twice.append("file", new File([SRT], "other.srt"));
    expect((await post(video.id, owner.authorization, twice)).status).toBe(400);

    // A body that breaks off (the client gave up) is the client's doing: a 400, not a 500.
    const cut = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode("--x\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.vtt\"\r\n\r\nWEBVTT"));
        controller.error(new Error("aborted"));
      },
    });
    const broken = new Request(`http://reel.test/api/videos/${video.id}/captions`, {
      method: "POST",
      headers: { authorization: owner.authorization, "content-type": "multipart/form-data; boundary=x" },
      body: cut,
      duplex: "half",
    } as RequestInit);
    const brokenResponse = await captionRoute.POST(broken, { params: Promise.resolve({ id: video.id }) });
    expect(brokenResponse.status).toBe(400);
    expect(((await brokenResponse.json()) as { error: { message: string } }).error.message).toMatch(/ended before it was complete/);

    const wrong = new FormData();
    wrong.set("file", new File(["not captions"], "notes.txt"));
    expect((await post(video.id, owner.authorization, wrong)).status).toBe(415);
  });

  it("DELETE removes one track and its file, for the owner or an admin only", async () => {
    const owner = await createTokenUser({ role: "member", canUpload: true });
    const stranger = await createTokenUser({ role: "member", canUpload: true });
    const video = await registerSource({ ownerId: owner.user.id, title: "v", sourceKind: "upload", sourcePath: "/tmp/none3.mp4" });
    const other = await registerSource({ ownerId: owner.user.id, title: "w", sourceKind: "upload", sourcePath: "/tmp/none4.mp4" });
    const keep = (await (await post(video.id, owner.authorization, srtForm({ label: "Keep" }))).json()) as { id: string };
    const drop = (await (await post(video.id, owner.authorization, srtForm({ label: "Drop" }))).json()) as { id: string };
    const remove = (videoId: string, captionId: string, authorization: string) =>
      oneCaptionRoute.DELETE(new Request(`http://reel.test/api/videos/${videoId}/captions/${captionId}`, { method: "DELETE", headers: { authorization } }), {
        params: Promise.resolve({ id: videoId, captionId }),
      });

    expect((await remove(video.id, drop.id, stranger.authorization)).status).toBe(404);
    await db.update(videos).set({ visibility: "public" }).where(eq(videos.id, video.id));
    expect((await remove(video.id, drop.id, stranger.authorization)).status).toBe(403);
    // A track is addressed through its own video only.
    expect((await remove(other.id, drop.id, owner.authorization)).status).toBe(404);
    expect((await remove(video.id, drop.id, owner.authorization)).status).toBe(204);
    expect((await remove(video.id, drop.id, owner.authorization)).status).toBe(404);
    const left = await db.select().from(captions).where(eq(captions.videoId, video.id));
    expect(left.map((c) => c.id)).toEqual([keep.id]);
    expect(fs.existsSync(path.join(paths.media, video.id, "captions", `${drop.id}.vtt`))).toBe(false);
    expect(fs.existsSync(path.join(paths.media, video.id, "captions", `${keep.id}.vtt`))).toBe(true);
  });
});
