import { randomBytes, randomUUID } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { env, paths } from "@/lib/env";
import { createS3Storage } from "@/lib/storage/s3";
import { createMediaHandler } from "./node-adapter";
import { attachmentHeader } from "./disposition";
import { GRANT_ORIGINAL, parseKeyring, signToken } from "./signing";
import { downloadUrl } from "./urls";
import { createWebMediaHandler } from "./web-adapter";

// The tests' bucket (test/global-setup.ts), under a prefix of this file's own.
const bucket = createS3Storage({ ...env, REEL_S3_PREFIX: `media-test-${randomUUID().slice(0, 8)}/` });
const keyring = parseKeyring(`k1:${randomBytes(24).toString("hex")}`);
const videoId = randomUUID();
const segment = randomBytes(2048);
const mp4 = randomBytes(3000);
const upload = randomBytes(1500);

let server: http.Server;
let nodeBase: string;
const web = createWebMediaHandler({ bucket, keyring });

beforeAll(async () => {
  const dir = fs.mkdtempSync(path.join(paths.data, "bucket-media-"));
  const files: Record<string, Buffer | string> = {
    "hls/master.m3u8": '#EXTM3U\n#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio",LANGUAGE="fr",NAME="French",DEFAULT=YES,AUTOSELECT=YES,URI="a0/index.m3u8"\n#EXT-X-STREAM-INF:BANDWIDTH=100000,AUDIO="audio"\nv240/index.m3u8\n',
    "hls/a0/index.m3u8": '#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-MAP:URI="init.mp4"\n#EXTINF:2.0,\nseg00000.m4s\n#EXT-X-ENDLIST\n',
    "hls/a0/init.mp4": "audio init",
    "hls/a0/seg00000.m4s": "audio segment",
    "hls/v240/index.m3u8": '#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-MAP:URI="init.mp4"\n#EXTINF:2.0,\nseg00000.m4s\n#EXT-X-ENDLIST\n',
    "hls/v240/init.mp4": "init",
    "hls/v240/seg00000.m4s": segment,
    "storyboard/storyboard.vtt": "WEBVTT\n\n00:00.000 --> 00:02.000\nsprite-1.webp#xywh=0,0,160,90\n",
    "storyboard/sprite-1.webp": "sprite",
    "mp4/video.mp4": mp4,
  };
  for (const [rel, bytes] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), bytes);
  }
  await bucket.publish(videoId, "hls", path.join(dir, "hls"));
  await bucket.publish(videoId, "storyboard", path.join(dir, "storyboard"));
  await bucket.publish(videoId, "mp4", path.join(dir, "mp4"));
  fs.writeFileSync(path.join(dir, "upload.mov"), upload);
  await bucket.publishFile(videoId, "source/upload.mov", path.join(dir, "upload.mov"));
  const handle = createMediaHandler({ bucket, keyring });
  server = http.createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  nodeBase = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await bucket.removeVideo(videoId);
  bucket.client.destroy();
  await new Promise((resolve) => server.close(resolve));
});

const token = (expiresAt = Math.floor(Date.now() / 1000) + 600) => signToken(videoId, expiresAt, keyring);

// Both adapters over the same bucket handler: the Node server's fast path (real HTTP) and Next's route handler.
const adapters = {
  node: (rel: string, init?: RequestInit) => fetch(`${nodeBase}/media/${rel}`, { redirect: "manual", ...init }),
  web: (rel: string, init?: RequestInit) => web(new Request(`http://reel.test/media/${rel}`, init)),
};

describe.each(Object.entries(adapters))("media from a bucket through the %s adapter", (_name, get) => {
  it("serves playlists with every segment presigned, variants left to Reel, and the bytes come from the store", async () => {
    const t = token();
    const master = await get(`${t}/${videoId}/hls/master.m3u8`);
    expect(master.status).toBe(200);
    expect(master.headers.get("content-type")).toBe("application/vnd.apple.mpegurl");
    const masterText = await master.text();
    expect(masterText).toContain("\nv240/index.m3u8\n");
    expect(masterText).toContain('URI="a0/index.m3u8"');

    const variant = await get(`${t}/${videoId}/hls/v240/index.m3u8`);
    expect(variant.status).toBe(200);
    const text = await variant.text();
    const init = /URI="([^"]+)"/.exec(text)![1];
    const seg = text.split("\n").find((l) => l.startsWith("http"))!;
    for (const url of [init, seg]) {
      expect(url.startsWith(env.REEL_S3_ENDPOINT!)).toBe(true);
      expect(new URL(url).searchParams.get("X-Amz-Signature")).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(Buffer.from(await (await fetch(seg)).arrayBuffer()).equals(segment)).toBe(true);
    expect(await (await fetch(init)).text()).toBe("init");

    // An alternate audio rendition: its playlist stays relative in the master, its files are presigned like a rung's.
    const audioText = await (await get(`${t}/${videoId}/hls/a0/index.m3u8`)).text();
    expect(audioText).not.toContain('URI="init.mp4"');
    const audioSegment = audioText.split("\n").find((l) => l.startsWith("http"))!;
    expect(new URL(audioSegment).searchParams.get("X-Amz-Signature")).toMatch(/^[0-9a-f]{64}$/);
    expect(await (await fetch(audioSegment)).text()).toBe("audio segment");

    const vtt = await (await get(`${t}/${videoId}/storyboard/storyboard.vtt`)).text();
    const sprite = vtt.split("\n").find((l) => l.startsWith("http"))!;
    expect(sprite).toMatch(/#xywh=0,0,160,90$/);
    expect(await (await fetch(sprite.split("#")[0])).text()).toBe("sprite");
  });

  it("redirects other files to their presigned URL, which honours ranges", async () => {
    const answer = await get(`${token()}/${videoId}/mp4/video.mp4`);
    expect(answer.status).toBe(302);
    const location = answer.headers.get("location")!;
    expect(location.startsWith(env.REEL_S3_ENDPOINT!)).toBe(true);
    const range = await fetch(location, { headers: { range: "bytes=10-19" } });
    expect(range.status).toBe(206);
    expect(Buffer.from(await range.arrayBuffer()).equals(mp4.subarray(10, 20))).toBe(true);
  });

  it("a download URL redirects to a presigned URL that asks the store for the file's name; altered, it is refused", async () => {
    const url = downloadUrl({ id: videoId, outputs: { mp4: true }, sourcePath: null }, "mp4", 'Trip "2024"/day 1', { keyring })!;
    const answer = await get(url.slice("/media/".length));
    expect(answer.status).toBe(302);
    const location = answer.headers.get("location")!;
    expect(new URL(location).searchParams.get("response-content-disposition")).toBe(attachmentHeader("Trip _2024_day 1.mp4"));
    // The store accepts the URL signed with it, ranges included. (moto ignores response-* overrides, so the header
    // the store sends back is S3's part and is not checked here.)
    const range = await fetch(location, { headers: { range: "bytes=10-19" } });
    expect(range.status).toBe(206);
    expect(Buffer.from(await range.arrayBuffer()).equals(mp4.subarray(10, 20))).toBe(true);
    expect((await get(url.slice("/media/".length).replace(/download=.*$/, "download=evil.exe"))).status).toBe(403);
  });

  it("the original: redirected for a token granted it and a download URL, refused to any other playback token", async () => {
    const exp = Math.floor(Date.now() / 1000) + 600;
    const grantedToken = signToken(videoId, exp, keyring, GRANT_ORIGINAL);
    const granted = await get(`${grantedToken}/${videoId}/source/upload.mov`);
    expect(granted.status).toBe(302);
    expect(Buffer.from(await (await fetch(granted.headers.get("location")!)).arrayBuffer()).equals(upload)).toBe(true);
    const download = downloadUrl({ id: videoId, outputs: { mp4: true, source: "source/upload.mov" }, sourcePath: null }, "original", "Trip", { keyring })!;
    expect((await get(download.slice("/media/".length))).status).toBe(302);

    const refused = await get(`${token()}/${videoId}/source/upload.mov`);
    expect(refused.status).toBe(403);
    expect(refused.headers.get("location")).toBeNull();
    const [kid, expires, sig] = token(exp).split(".");
    expect((await get(`${kid}.${expires}.${GRANT_ORIGINAL}.${sig}/${videoId}/source/upload.mov`)).status).toBe(403);
  });

  it("refuses a tampered or expired token, another video's token, bad paths and other methods", async () => {
    const t = token();
    const tampered = t.slice(0, -1) + (t.endsWith("A") ? "B" : "A");
    expect((await get(`${tampered}/${videoId}/hls/master.m3u8`)).status).toBe(403);
    expect((await get(`${token(Math.floor(Date.now() / 1000) - 1)}/${videoId}/mp4/video.mp4`)).status).toBe(403);
    expect((await get(`${signToken(randomUUID(), Math.floor(Date.now() / 1000) + 600, keyring)}/${videoId}/mp4/video.mp4`)).status).toBe(403);
    expect((await get(`${t}/${videoId}/hls/../../x`)).status).toBeGreaterThanOrEqual(400);
    expect((await get(`${t}/${videoId}/hls/missing.m3u8`)).status).toBe(404);
    expect((await get(`${t}/${videoId}/mp4/video.mp4`, { method: "DELETE" })).status).toBe(405);
  });
});
