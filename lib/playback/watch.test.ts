import fs from "node:fs/promises";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb, db } from "@/lib/db/client";
import { users, videos, watchProgress, type NewVideo } from "@/lib/db/schema";
import { paths } from "@/lib/env";
import type { Viewer } from "@/lib/auth/viewer";
import { loadWatchPage } from "./watch";

const MASTER = [
  "#EXTM3U",
  '#EXT-X-STREAM-INF:BANDWIDTH=5000000,RESOLUTION=1920x1080,CODECS="avc1.640028,mp4a.40.2"',
  "v0/index.m3u8",
  '#EXT-X-STREAM-INF:BANDWIDTH=2800000,RESOLUTION=1280x720,CODECS="avc1.64001f,mp4a.40.2"',
  "v1/index.m3u8",
  '#EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=640x360,CODECS="avc1.64001e,mp4a.40.2"',
  "v2/index.m3u8",
].join("\n");
const variant = (n: number) =>
  ["#EXTM3U", `#EXT-X-MAP:URI="init_${n}.mp4"`, ...Array.from({ length: 30 }, (_, i) => `#EXTINF:2.000,\nseg_${String(i).padStart(5, "0")}.m4s`), "#EXT-X-ENDLIST"].join("\n");

/** Stands in for an fMP4 init segment: the page inlines whatever bytes the file has. */
const initBytes = (n: number) => Buffer.from(`ftyp-moov-of-rung-${n}`);

let owner: Viewer;
let stranger: Viewer;

async function makeViewer(role: "admin" | "member"): Promise<Viewer> {
  const [u] = await db.insert(users).values({ email: `${crypto.randomUUID()}@example.test`, name: role, role }).returning();
  return { id: u.id, email: u.email, name: u.name, role: u.role, canUpload: u.canUpload, via: "session" };
}

async function makeVideo(values: Partial<NewVideo>) {
  const [v] = await db
    .insert(videos)
    .values({ ownerId: owner.id, title: "t", visibility: "private", sourceKind: "upload", duration: 60, width: 1920, height: 1080, ...values })
    .returning();
  return v;
}

async function publishLadder(id: string) {
  const dir = path.join(paths.media, id, "hls");
  for (const n of [0, 1, 2]) {
    await fs.mkdir(path.join(dir, `v${n}`), { recursive: true });
    await fs.writeFile(path.join(dir, `v${n}`, "index.m3u8"), variant(n));
    await fs.writeFile(path.join(dir, `v${n}`, `init_${n}.mp4`), initBytes(n));
  }
  await fs.writeFile(path.join(dir, "master.m3u8"), MASTER);
}

const noHints = { bandwidthBps: null, playerHeightPx: null };

beforeAll(async () => {
  owner = await makeViewer("member");
  stranger = await makeViewer("member");
});
afterAll(closeDb);

describe("watch page data", () => {
  it("is null for a video the viewer may not see, or that does not exist", async () => {
    const v = await makeVideo({ status: "ready", outputs: { mp4: true } });
    expect(await loadWatchPage(stranger, v.id, noHints)).toBeNull();
    expect(await loadWatchPage(null, v.id, noHints)).toBeNull();
    expect(await loadWatchPage(owner, crypto.randomUUID(), noHints)).toBeNull();
  });

  it("reports processing with progress until something is playable, and failures with their reason", async () => {
    const processing = await makeVideo({ status: "processing", progress: { step: "faststart", percent: 40 } });
    expect(await loadWatchPage(owner, processing.id, noHints)).toMatchObject({ kind: "processing", progress: { step: "faststart", percent: 40 } });
    const failed = await makeVideo({ status: "failed", failureReason: "No video stream in the file" });
    expect(await loadWatchPage(owner, failed.id, noHints)).toMatchObject({ kind: "failed", reason: "No video stream in the file" });
  });

  it("plays the MP4 while the ladder is processing, without preloads", async () => {
    const v = await makeVideo({ status: "playable", outputs: { mp4: true, poster: [320, 1280, 1920] }, progress: { step: "hls", percent: 10 } });
    const page = await loadWatchPage(owner, v.id, noHints);
    expect(page?.kind).toBe("playable");
    if (page?.kind !== "playable") return;
    expect(page.source.hlsUrl).toBeNull();
    expect(page.source.mp4Url).toMatch(new RegExp(`^/media/[^/]+/${v.id}/mp4/video\\.mp4$`));
    expect(page.source.posterUrl).toMatch(/thumbs\/poster-1280\.webp$/);
    expect(page.preloads).toEqual([]);
    expect(page.source.hlsScriptUrl).toBeNull();
    expect(page.source.firstSegment).toBeNull();
    expect(page.processing).toMatchObject({ step: "hls" });
  });

  it("signs the ladder, orders rungs as hls.js does, and preloads the start rung's first requests", async () => {
    const v = await makeVideo({ status: "ready", outputs: { mp4: true, hls: [1080, 720, 360], storyboard: true } });
    await publishLadder(v.id);
    // A 700-device-pixel player with a fast connection plays 720p, after a first fragment from 360p (start-level.ts).
    const page = await loadWatchPage(owner, v.id, { bandwidthBps: 50_000_000, playerHeightPx: 700 });
    if (page?.kind !== "playable") throw new Error("expected a playable page");
    expect(page.source.rungs.map((r) => r.height)).toEqual([360, 720, 1080]);
    const base = page.source.hlsUrl!.replace(/master\.m3u8$/, "");
    // The first segment first, then what hls.js needs when it takes over, which must not compete with it.
    // hls.js is not among them: the page starts playback itself, and the engine loads it after hydration.
    expect(page.preloads).toEqual([
      { href: `${base}v2/seg_00000.m4s`, priority: "high", as: "fetch" },
      { href: page.source.hlsUrl, priority: "low", as: "fetch" },
      { href: `${base}v2/index.m3u8`, priority: "low", as: "fetch" },
    ]);
    expect(page.source.storyboardUrl).toBe(`${base.replace(/hls\/$/, "")}storyboard/storyboard.vtt`);
    // The HTML appends the preloaded segment of the rung it chose (index 0 = 360p), with its init segment inlined.
    expect(page.source.hlsScriptUrl).toMatch(/^\/_reel\/hls\/hls\.light\.min\.js\?v=/);
    expect(page.source.firstSegment).toEqual({ level: 0, url: `${base}v2/seg_00000.m4s`, init: initBytes(2).toString("base64"), codecs: "avc1.64001e,mp4a.40.2" });
    expect(page.source.audioTracks).toEqual([]);
  });

  it("gives a ladder with alternate audio its tracks and hls.js' full build, and leaves its start to hls.js", async () => {
    const audio = [
      { language: "en", name: "English", default: true },
      { language: "fr", name: "French", default: false },
    ];
    const v = await makeVideo({ status: "ready", outputs: { hls: [1080, 720, 360], audio } });
    await publishLadder(v.id);
    const page = await loadWatchPage(owner, v.id, noHints);
    if (page?.kind !== "playable") throw new Error("expected a playable page");
    expect(page.source.audioTracks).toEqual(audio);
    expect(page.source.hlsScriptUrl).toMatch(/^\/_reel\/hls\/hls\.min\.js\?v=/);
    // A rung's segment holds no sound here: the page appends nothing and preloads no segment; hls.js starts playback,
    // so it is preloaded.
    expect(page.source.firstSegment).toBeNull();
    expect(page.preloads.map((p) => [p.priority, p.as])).toEqual([
      ["low", "fetch"],
      ["low", "fetch"],
      ["low", "script"],
    ]);
    expect(page.preloads.at(-1)?.href).toBe(page.source.hlsScriptUrl);
  });

  it("leaves the start to hls.js when the first segment cannot be appended from the page", async () => {
    const v = await makeVideo({ status: "ready", outputs: { hls: [1080, 720, 360] } });
    await publishLadder(v.id);
    const dir = path.join(paths.media, v.id, "hls");
    // No CODECS in the master playlist: the page cannot open a SourceBuffer for it.
    await fs.writeFile(path.join(dir, "master.m3u8"), MASTER.replace(/,CODECS="[^"]*"/g, ""));
    const noCodecs = await loadWatchPage(owner, v.id, noHints);
    if (noCodecs?.kind !== "playable") throw new Error("expected a playable page");
    expect(noCodecs.source.firstSegment).toBeNull();
    expect(noCodecs.source.hlsUrl).not.toBeNull();
    // An init segment too large to inline.
    await fs.writeFile(path.join(dir, "master.m3u8"), MASTER);
    await fs.writeFile(path.join(dir, "v2", "init_2.mp4"), Buffer.alloc(64 * 1024));
    const bigInit = await loadWatchPage(owner, v.id, noHints);
    expect(bigInit?.kind === "playable" && bigInit.source.firstSegment).toBeNull();
  });

  it("resumes a few seconds back and preloads the segment holding that position", async () => {
    const v = await makeVideo({ status: "ready", outputs: { hls: [1080, 720, 360] } });
    await publishLadder(v.id);
    await db.insert(watchProgress).values({ userId: owner.id, videoId: v.id, position: 31, duration: 60 });
    const page = await loadWatchPage(owner, v.id, { bandwidthBps: 50_000_000, playerHeightPx: 700 });
    if (page?.kind !== "playable") throw new Error("expected a playable page");
    expect(page.source.startAt).toBe(28);
    expect(page.preloads[0].href).toMatch(/v2\/seg_00014\.m4s$/);
    expect(page.source.firstSegment?.url).toMatch(/v2\/seg_00014\.m4s$/);
    expect(page.source.saveProgress).toBe(true);
    // An explicit ?t= wins over the saved position, and is kept as asked.
    const fromT = await loadWatchPage(owner, v.id, noHints, 0);
    expect(fromT?.kind === "playable" && fromT.source.startAt).toBe(0);
    const exact = await loadWatchPage(owner, v.id, noHints, 33);
    expect(exact?.kind === "playable" && exact.source.startAt).toBe(33);
    // Between two keyframes, the resume point moves back to the earlier one.
    await db.update(watchProgress).set({ position: 32 }).where(eq(watchProgress.videoId, v.id));
    const between = await loadWatchPage(owner, v.id, noHints);
    expect(between?.kind === "playable" && between.source.startAt).toBe(28);
  });
});
