import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { chromium, type Browser, type Page } from "@playwright/test";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateMedia } from "@/e2e/watch-media";
import { parseMaster } from "@/lib/playback/hls-manifest";
import type { PlayerSource } from "@/lib/playback/types";
import { PREFERENCE_KEYS } from "../preferences";
import { buildEarlyStartScript, EARLY_START_ENTRY } from "./build";
import { APP_SCRIPT_ATTRIBUTE, FIRST_FRAME_PENDING_ATTRIBUTE, gateFirstPaint, holdAppScripts } from "./app-scripts";
import { CONFIG_ATTRIBUTE, type EarlyStart } from "./contract";

/**
 * The early start as the browser runs it: the script next.config.ts inlines, in the player's markup (markup.ts),
 * in Chromium with real Media Source Extensions, on a small ladder and MP4 generated with ffmpeg.
 */
const ORIGIN = "http://reel.test";
const CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

let dir: string;
let script: string;
let playerVideoHtml: typeof import("./markup").playerVideoHtml;
let codecs: string;
let init: string;
let browser: Browser;

beforeAll(async () => {
  script = buildEarlyStartScript();
  // markup.ts reads the compiled script when first imported, as the build inlines it.
  process.env.REEL_EARLY_START = script;
  ({ playerVideoHtml } = await import("./markup"));
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "reel-early-start-"));
  const executablePath = process.env.PLAYWRIGHT_CHROMIUM_PATH ?? "/usr/bin/chromium";
  [, browser] = await Promise.all([
    generateMedia(dir, { seconds: 4, fps: 24, rungs: [{ height: 144, kbps: 150 }], mp4Height: 144 }),
    chromium.launch({ executablePath, args: [...CHROMIUM_ARGS, "--autoplay-policy=no-user-gesture-required"] }),
  ]);
  const [variant] = parseMaster(await fs.readFile(path.join(dir, "hls/master.m3u8"), "utf8"));
  codecs = variant.codecs!;
  init = (await fs.readFile(path.join(dir, "hls/v0/init.mp4"))).toString("base64");
});

afterAll(async () => {
  await browser?.close();
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

function source(overrides: Partial<PlayerSource>): PlayerSource {
  return {
    videoId: "00000000-0000-4000-8000-000000000000",
    title: `A "quoted" <title> & more`,
    hlsUrl: `${ORIGIN}/media/hls/master.m3u8`,
    hlsScriptUrl: null,
    audioTracks: [],
    firstSegment: { level: 0, url: `${ORIGIN}/media/hls/v0/seg_00000.m4s`, init, codecs },
    mp4Url: `${ORIGIN}/media/mp4/video.mp4`,
    rungs: [],
    posterUrl: null,
    storyboardUrl: null,
    captions: [{ src: `${ORIGIN}/media/captions/en.vtt`, lang: "en", label: "English" }],
    chapters: [],
    duration: 4,
    aspect: 16 / 9,
    startAt: 0,
    saveProgress: false,
    ...overrides,
  };
}

/**
 * Opens a page holding the player's markup for `src`, served from the generated media, with `before` in its <head>.
 * `holdMedia`: media segments and the MP4 are answered once it resolves; `holdStylesheet`: the page links a stylesheet
 * answered once it resolves; `log`: gets each request's path and query as it comes, and "answered" as the media is
 * answered. Resolves once the page has loaded (its DOM only when something is held).
 */
async function open(
  from: Browser,
  src: PlayerSource,
  options: { storage?: Record<string, string>; before?: string; holdMedia?: Promise<void>; holdStylesheet?: Promise<void>; log?: string[] } = {},
): Promise<Page> {
  const page = await from.newPage();
  await page.route(`${ORIGIN}/**`, async (route) => {
    const url = new URL(route.request().url());
    options.log?.push(url.pathname + url.search);
    if (url.pathname === "/style.css") {
      await options.holdStylesheet;
      return route.fulfill({ contentType: "text/css", body: "video { display: block }" });
    }
    if (url.pathname === "/app.js") {
      // Stands for the app's scripts: records when it ran, and whether the early start had a frame on screen by then.
      // And whether the rest of the page was rendering by then.
      // And which of them ran, in order.
      const body = `window.appRan = { at: performance.now(), afterFrame: window.reelEarlyStart?.firstFrameAt != null, pagePending: document.documentElement.hasAttribute("${FIRST_FRAME_PENDING_ATTRIBUTE}") }; (window.appRuns ??= []).push(document.currentScript.getAttribute("src"))`;
      return route.fulfill({ contentType: "text/javascript", body });
    }
    if (url.pathname === "/") {
      const stylesheet = options.holdStylesheet ? `<link rel="stylesheet" href="/style.css">` : "";
      // The app's scripts as the web server holds them back (lib/server/watch-page.ts): one in the head, one after the player.
      const held = (name: string) => holdAppScripts(`<script src="/_next/static/${name}" async="" nonce="n0nce"></script>`).replace("/_next/static/", "/");
      // The tests hold the app's scripts for as long as they need, not for the page's time limit.
      const markup = playerVideoHtml(src, "player", "n0nce").replace(/(appHoldMs&quot;:)\d+/, "$1600000");
      // As the web server sends it, with the head's first script too (its own time limit as long as the hold's).
      const html = gateFirstPaint(`<!doctype html><html><head>${stylesheet}${held("app.js")}${options.before ?? ""}</head><body><div>${markup}</div>${held("app.js?after")}</body></html>`, 600_000);
      return route.fulfill({ contentType: "text/html", body: html, headers: { "content-security-policy": "script-src 'nonce-n0nce'" } });
    }
    if (url.pathname.endsWith(".m4s") || url.pathname.endsWith("/video.mp4")) {
      await options.holdMedia;
      options.log?.push("answered");
    }
    const file = path.join(dir, url.pathname.replace(/^\/media\//, ""));
    const body = await fs.readFile(file).catch(() => null);
    return body ? route.fulfill({ body, contentType: file.endsWith(".mp4") || file.endsWith(".m4s") ? "video/mp4" : "text/plain" }) : route.fulfill({ status: 404, body: "" });
  });
  if (options.storage) await page.addInitScript((values) => Object.entries(values).forEach(([k, v]) => localStorage.setItem(k, v)), options.storage);
  // A held segment or stylesheet holds the load event.
  await page.goto(`${ORIGIN}/`, { waitUntil: options.holdMedia || options.holdStylesheet ? "domcontentloaded" : "load" });
  return page;
}

type Seen = { firstSegment: boolean; firstFrameAt: number | null; forcedMute: boolean; src: string; paused: boolean; muted: boolean; volume: number; rate: number; mark: boolean };

/** Waits for the early start's first segment, then (when one shows) for its first frame, and reads what it did. */
function seen(page: Page, frame: boolean): Promise<Seen> {
  return page.evaluate(async (frame) => {
    const early = window.reelEarlyStart as EarlyStart;
    const first = await early.firstSegment;
    const video = early.video;
    if (frame) {
      await new Promise<void>((resolve) => (early.firstFrameAt !== null ? resolve() : video.requestVideoFrameCallback(() => resolve())));
      // The early start asked for playback when it ran; unless the player took over, wait until it began.
      if (!early.adopted) await new Promise<void>((resolve) => (video.paused ? video.addEventListener("playing", () => resolve(), { once: true }) : resolve()));
    }
    const [mark] = performance.getEntriesByName("reel:first-segment") as PerformanceMark[];
    return {
      firstSegment: first !== null,
      firstFrameAt: early.firstFrameAt,
      forcedMute: early.forcedMute,
      src: video.src,
      paused: video.paused,
      muted: video.muted,
      volume: video.volume,
      rate: video.playbackRate,
      mark: !!mark && mark.detail === video.src,
    };
  }, frame);
}

/** What the early start's mark says about loading the app's scripts: why then, and how many it found held. */
function appScriptsMark(page: Page) {
  return page.evaluate(() => (performance.getEntriesByName("reel:app-scripts")[0] as PerformanceMark | undefined)?.detail);
}

describe("the watch page's early start", () => {
  it("appends the first segment without hls.js and plays it with the viewer's volume and speed", async () => {
    const page = await open(browser, source({}), { storage: { [PREFERENCE_KEYS.volume]: "0.35", [PREFERENCE_KEYS.rate]: "1.5" } });
    const result = await seen(page, true);
    expect(result).toMatchObject({ firstSegment: true, forcedMute: false, paused: false, muted: false, volume: 0.35, rate: 1.5, mark: true });
    expect(result.src).toMatch(/^blob:/);
    expect(result.firstFrameAt).toBeGreaterThan(0);
    // The markup kept the element's attributes and captions; the title is text, not markup.
    expect(await page.locator("video").getAttribute("aria-label")).toBe(`A "quoted" <title> & more`);
    expect(await page.locator("video track").getAttribute("srclang")).toBe("en");
    expect(await page.locator("video").count()).toBe(1);
    await page.close();
  });

  it("starts a resume point inside what it buffered", async () => {
    const page = await open(browser, source({ startAt: 1 }));
    const result = await seen(page, true);
    expect(result.firstSegment).toBe(true);
    expect(await page.evaluate(() => window.reelEarlyStart!.video.currentTime)).toBeGreaterThanOrEqual(1);
    await page.close();
  });

  it("plays muted, and says so, when the browser refuses sound without a gesture", async () => {
    // As most browsers do on a first visit (headless Chromium's autoplay policy cannot be made to refuse).
    const refuse = `<script nonce="n0nce">
      const play = HTMLMediaElement.prototype.play;
      HTMLMediaElement.prototype.play = function () {
        return this.muted ? play.call(this) : Promise.reject(new DOMException("refused", "NotAllowedError"));
      };
    </script>`;
    const page = await open(browser, source({}), { storage: { [PREFERENCE_KEYS.volume]: "0.8" }, before: refuse });
    const result = await seen(page, true);
    expect(result).toMatchObject({ firstSegment: true, forcedMute: true, muted: true, volume: 0.8, paused: false });
    await page.close();
  });

  it("asks for playback before the first segment is in, so the first frame needs no script", async () => {
    let release!: () => void;
    const page = await open(browser, source({}), { holdMedia: new Promise<void>((resolve) => (release = resolve)) });
    await page.waitForFunction(() => window.reelEarlyStart !== undefined);
    expect(await page.evaluate(() => ({ paused: window.reelEarlyStart!.video.paused, readyState: window.reelEarlyStart!.video.readyState }))).toEqual({ paused: false, readyState: 0 });
    release();
    expect(await seen(page, true)).toMatchObject({ firstSegment: true, paused: false });
    await page.close();
  });

  it("leaves a refusal of sound to the player once the player has adopted the element", async () => {
    // The browser answers the play request only once the player has adopted the element: the player's own play
    // request meets the same refusal and mutes, so the early start must not mute (nor say so) behind its back.
    const refuseLater = `<script nonce="n0nce">
      HTMLMediaElement.prototype.play = function () {
        return new Promise((_, reject) => (window.refusePlay = () => reject(new DOMException("refused", "NotAllowedError"))));
      };
    </script>`;
    const page = await open(browser, source({}), { before: refuseLater });
    await page.waitForFunction(() => "refusePlay" in window);
    const after = await page.evaluate(async () => {
      const early = window.reelEarlyStart!;
      early.adopted = true;
      (window as unknown as { refusePlay: () => void }).refusePlay();
      await new Promise((resolve) => setTimeout(resolve));
      return { forcedMute: early.forcedMute, muted: early.video.muted };
    });
    expect(after).toEqual({ forcedMute: false, muted: false });
    await page.close();
  });

  it("appends the first segment while the page's stylesheet is still loading", async () => {
    // The stylesheet is answered only once the segment is in: an early start that waited for it would never append.
    let release!: () => void;
    const page = await open(browser, source({}), { holdStylesheet: new Promise<void>((resolve) => (release = resolve)) });
    await page.waitForFunction(() => window.reelEarlyStart !== undefined);
    const appended = await page.evaluate(async () => (await window.reelEarlyStart!.firstSegment) !== null);
    release();
    expect(appended).toBe(true);
    await page.close();
  });

  it("leaves the element alone when the player took it before the early start ran", async () => {
    // The player takes the settings off the script when it mounts; here, before the page's markup is parsed.
    const takeFirst = `<script nonce="n0nce">new MutationObserver((changes, observer) => {
      const script = document.querySelector("script[${CONFIG_ATTRIBUTE}]");
      if (script) { script.removeAttribute("${CONFIG_ATTRIBUTE}"); observer.disconnect(); }
    }).observe(document, { childList: true, subtree: true })</script>`;
    const page = await open(browser, source({}), { before: takeFirst });
    expect(await page.evaluate(() => window.reelEarlyStart)).toBeUndefined();
    expect(await page.locator("video").evaluate((v: HTMLVideoElement) => v.getAttribute("src"))).toBeNull();
    await page.close();
  });

  it("plays an MP4-only title from the src in the HTML", async () => {
    const page = await open(browser, source({ hlsUrl: null, firstSegment: null }));
    const result = await seen(page, true);
    expect(result).toMatchObject({ firstSegment: false, paused: false });
    expect(new URL(result.src).pathname).toBe("/media/mp4/video.mp4");
    expect(result.firstFrameAt).toBeGreaterThan(0);
    await page.close();
  });

  it("does nothing without Media Source Extensions: the engine starts afresh", async () => {
    const page = await open(browser, source({}), { before: `<script nonce="n0nce">delete window.MediaSource</script>` });
    expect(await seen(page, false)).toMatchObject({ firstSegment: false, firstFrameAt: null, src: "", paused: true, mark: false });
    await page.close();
  });

  it("hands nothing over when the first segment fails to download", async () => {
    const page = await open(browser, source({ firstSegment: { level: 0, url: `${ORIGIN}/media/hls/v0/missing.m4s`, init, codecs } }));
    expect(await seen(page, false)).toMatchObject({ firstSegment: false, firstFrameAt: null, mark: false });
    await page.close();
  });

  it("loads the app's held-back scripts once the first frame is on screen, with the page's nonce", async () => {
    const page = await open(browser, source({}));
    await seen(page, true);
    const ran = await page.waitForFunction(() => (window as unknown as { appRan?: unknown }).appRan).then((h) => h.jsonValue());
    // The rest of the page renders from the first frame on, before the app's scripts run.
    expect(ran).toMatchObject({ afterFrame: true, pagePending: false });
    expect(await appScriptsMark(page)).toEqual({ reason: "first-frame", scripts: 2 });
    // Both held scripts, the one after the player too, each once (the stand-in runs under CSP by its nonce).
    // Their src as written, not resolved: the bundler's runtime finds its chunks by that attribute.
    const scripts = await page.evaluate(() => [...document.querySelectorAll("script[src]")].map((s) => s.getAttribute("src")));
    expect(scripts.sort()).toEqual(["/app.js", "/app.js?after"]);
    expect(await page.locator(`script[${APP_SCRIPT_ATTRIBUTE}]`).count()).toBe(0);
    await page.close();
  });

  it("asks for none of the app's scripts before the first frame, and for each once after it", async () => {
    for (const src of [source({}), source({ hlsUrl: null, firstSegment: null })]) {
      let release!: () => void;
      const log: string[] = [];
      const page = await open(browser, src, { holdMedia: new Promise<void>((resolve) => (release = resolve)), log });
      // The media is on its way and the page parsed: the scripts' bytes would now compete with the media's.
      await page.waitForFunction(() => window.reelEarlyStart!.video.networkState !== HTMLMediaElement.NETWORK_EMPTY && document.readyState !== "loading");
      await expect.poll(() => log.some((path) => path.startsWith("/media/"))).toBe(true);
      release();
      const ran = await page.waitForFunction(() => (window as unknown as { appRuns?: string[] }).appRuns?.length === 2 && (window as unknown as { appRan: unknown }).appRan).then((h) => h.jsonValue());
      expect(ran).toMatchObject({ afterFrame: true });
      const scripts = log.map((path, i) => [path, i] as const).filter(([path]) => path.startsWith("/app.js"));
      expect(scripts.map(([path]) => path).sort()).toEqual(["/app.js", "/app.js?after"]);
      expect(Math.min(...scripts.map(([, i]) => i))).toBeGreaterThan(log.indexOf("answered"));
      expect(await page.locator(`link[rel="preload"][as="script"]`).count()).toBe(0);
      await page.close();
    }
  });

  it("loads the app's scripts at once when there is no first frame to wait for", async () => {
    for (const before of [`<script nonce="n0nce">delete window.MediaSource</script>`, ""]) {
      // Without Media Source Extensions; with a first segment that fails to download.
      const src = before ? source({}) : source({ firstSegment: { level: 0, url: `${ORIGIN}/media/hls/v0/missing.m4s`, init, codecs } });
      const page = await open(browser, src, { before });
      const ran = await page.waitForFunction(() => (window as unknown as { appRan?: unknown }).appRan).then((h) => h.jsonValue());
      expect(ran).toMatchObject({ afterFrame: false, pagePending: false });
      expect(await appScriptsMark(page)).toMatchObject({ reason: "no-frame" });
      await page.close();
    }
  });

  it("loads the app's scripts at once when the browser will not play without a gesture, even muted", async () => {
    // As a browser set to block all autoplay (or a phone saving power) answers every play() before a gesture.
    const before = `<script nonce="n0nce">HTMLMediaElement.prototype.play = function () { return Promise.reject(new DOMException("refused", "NotAllowedError")) }</script>`;
    const page = await open(browser, source({}), { before });
    const ran = await page.waitForFunction(() => (window as unknown as { appRan?: unknown }).appRan).then((h) => h.jsonValue());
    expect(ran).toMatchObject({ pagePending: false });
    expect(await appScriptsMark(page)).toMatchObject({ reason: "no-frame" });
    // Asked for before any frame: a paused element may still show its first one while the scripts download.
    const [askedAt, frameAt] = await page.evaluate(() => [performance.getEntriesByName("reel:app-scripts")[0].startTime, window.reelEarlyStart!.firstFrameAt]);
    expect(frameAt === null || askedAt < frameAt).toBe(true);
    await page.close();
  });

  it("loads the app's scripts when the viewer reaches for the page before the first frame", async () => {
    let release!: () => void;
    const page = await open(browser, source({}), { holdMedia: new Promise<void>((resolve) => (release = resolve)) });
    await page.waitForFunction(() => window.reelEarlyStart !== undefined);
    expect(await page.evaluate(() => "appRan" in window)).toBe(false);
    // Until then only the player renders.
    expect(await page.evaluate((name) => document.documentElement.hasAttribute(name), FIRST_FRAME_PENDING_ATTRIBUTE)).toBe(true);
    await page.keyboard.press("Tab");
    const ran = await page.waitForFunction(() => (window as unknown as { appRan?: unknown }).appRan).then((h) => h.jsonValue());
    expect(ran).toMatchObject({ afterFrame: false, pagePending: false });
    expect(await appScriptsMark(page)).toMatchObject({ reason: "input" });
    release();
    await page.close();
  });

  it("relies on no bundler or framework internal", async () => {
    // One plain script, free of any bundler's runtime or globals and of Node's: it runs before any of them exists.
    expect(script).not.toMatch(/TURBOPACK|__turbopack|webpack|__next|_N_E|__NEXT|next\/|process\.env|require\(/i);
    // Its sources import only Reel's own browser-safe modules.
    const sources = ["contract.ts", "app-scripts.ts"].map((name) => path.join(path.dirname(EARLY_START_ENTRY), name)).concat(EARLY_START_ENTRY);
    for (const file of sources) {
      const text = await fs.readFile(file, "utf8");
      for (const [, from] of text.matchAll(/from "([^"]+)"/g)) expect(from, file).toMatch(/^\.\.?\//);
    }
  });
});
