/**
 * `npm run bench:ttff`: time to first frame in Chromium, on a Reel instance this script starts and removes, against
 * the references measured in the same run: the same ladder and MP4 served by nginx to two bare pages, one holding only
 * a <video> and hls.js (its light build, default settings), one only `<video autoplay src=…mp4>`.
 *
 * For a 1080p HLS ladder (hls.js) and for the faststart MP4 (a title whose ladder is still processing), on
 * loopback, with Chromium's CPU throttled 4x (a mid-range phone), throttled to 20 Mbit/s with 40 ms RTT (DevTools
 * network emulation), and on loopback for a returning viewer (browser cache warm) and a click on the video's card in
 * the catalog (see Visit), it measures:
 *  - navigation → first frame: from the navigation start (performance.timeOrigin), or the click, to the first
 *    requestVideoFrameCallback, each run in a new tab of a fresh browser context (cold cache; the returning viewer
 *    keeps one context), once the browser is idle after opening that tab (see SETTLE), from the start of the video
 *    as on the bare pages (the viewer's saved positions are cleared before each run);
 *  - seek → frame: from setting currentTime (to 50 s, past what is buffered at start-up) to the first frame shown
 *    there; the table says how often the target happened to be buffered already.
 *  - controls interactive (Reel only): when the player answers a click, from the navigation start: once the first frame
 *    is shown, the bench clicks the video until the click pauses it.
 * The cases alternate run by run (Reel, then the bare pages, then Reel again…), so a busy moment of the machine falls
 * on all of them alike. p50/p95 over BENCH_RUNS runs (default 20) per case, and each Reel case's p50 as a ratio of its
 * reference's (goal: ≤ 0.8x the bare hls.js page on loopback, ≤ 0.9x with the CPU throttled, seek ≤ 1.0x, the MP4
 * ≤ 1.0x the bare <video src>; controls ≤ first frame + 300 ms on loopback). With BENCH_PHASES=1 it also prints,
 * per case, the median time (from navigation start) at which each step on the way to the first frame was done:
 * the HTML, the page's scripts, hydration, hls.js, the first media responses (Resource Timing, the player's marks and the
 * media element's loadstart, loadedmetadata and loadeddata events).
 * BENCH_LOOPBACK=1 leaves out the throttled cases; BENCH_CASES="name|name" keeps the cases whose names start so (a Reel case
 * and its reference, while iterating on one). BENCH_TRACE=<folder> writes a Chrome trace of each case's last run
 * there (open it in the DevTools performance panel).
 *
 * The references' nginx (Debian's; PATH or /usr/sbin) runs from the bench's temporary folder on a port of its own.
 *
 * The instance: a fresh database on the server in DATABASE_URL (or an embedded Postgres when unset), a fresh data
 * folder with a generated 1080p ladder, the real launcher (`scripts/start.ts`, no workers) on 127.0.0.1, and an
 * administrator signed in through the credentials endpoint. Everything is stopped and deleted at the end.
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { chromium, type Browser, type BrowserContext, type CDPSession } from "@playwright/test";
import { findNginx, startNginx } from "@/lib/media/test-support";
import { HLS_SCRIPT_DIR, HLS_SCRIPT_FILE } from "@/lib/playback/hls-script";
import { startReelInstance } from "./reel-instance";

/** BENCH_PORT: Reel's port; the embedded Postgres and the references' nginx take the next two. */
const PORT = Number(process.env.BENCH_PORT ?? 3620);
const PG_PORT = PORT + 1;
const BASE = `http://127.0.0.1:${PORT}`;
/** The references: nginx serving the same media folder and the two bare pages. */
const NGINX_PORT = PORT + 2;
const NGINX = `http://127.0.0.1:${NGINX_PORT}`;
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 20));
const PHASES = process.env.BENCH_PHASES === "1";
/** BENCH_LOOPBACK=1 runs the two loopback cases only (quicker while iterating). */
const LOOPBACK_ONLY = process.env.BENCH_LOOPBACK === "1";
const TRACE_DIR = process.env.BENCH_TRACE;
/** BENCH_CASES: the cases whose names start with one of these (separated by "|"), while iterating on one of them. */
const ONLY = process.env.BENCH_CASES?.split("|").map((name) => name.trim()).filter(Boolean);
/** Chromium's CPU throttling for the "mid-range phone" cases (Emulation.setCPUThrottlingRate). */
const SLOW_CPU = 4;
/** The controls must answer a click at most this long after the first frame (loopback). */
const CONTROLS_AFTER_FRAME_MS = 300;
const SECONDS = 60;
/** Past what hls.js buffers ahead (30 s) when the first frame shows, so the seek has to fetch. */
const SEEK_TO = 50;
/** The whole bench stops by itself after this, whatever happens (encoding the media alone takes minutes on a busy machine). */
const DEADLINE_MS = 45 * 60_000;
const RUN_TIMEOUT_MS = 20_000;
const CATALOG_PAUSE_MS = 1000;
/**
 * A new tab keeps this browser busy for about 0.8 s (about 1.6 CPUs: its omnibox pop-up is a WebUI page with its own
 * renderer). A viewer types an address into a tab that is already open, so each run starts once the browser uses less
 * than SETTLE.cpu over a SETTLE.stepMs window, or after SETTLE.maxMs.
 */
const SETTLE = { cpu: 0.1, stepMs: 200, maxMs: 5000 };
const ADMIN = { email: "bench-admin@example.test", password: randomBytes(12).toString("base64url") };
const CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

/**
 * How the viewer arrives. "cold": a first visit, typing the watch page's address (empty browser cache). "returning":
 * the same, with the browser's cache from an earlier visit (the app's scripts and hls.js cached and compiled).
 * "catalog": a first visit to the catalog, then a click on the video's card (a client-side navigation; no watch
 * page HTML, so no early start), timed from the click.
 */
type Visit = "cold" | "returning" | "catalog";
/** Reel's watch page, or one of the bare pages on nginx. */
type Target = "reel" | "bare-hls" | "bare-mp4";
/** reference: the case whose p50 this one is divided by; goal: the ratio it must stay at or under. */
type Case = { name: string; target: Target; videoId: string; engine: "hls" | "mp4"; throttled: boolean; cpu: number; visit: Visit; reference?: string; goal?: number };
type Sample = { firstFrameMs: number; seekMs: number; seekWasBuffered: boolean; controlsMs: number | null; phases: Record<string, number> };

/**
 * The references, as a site owner would write them: hls.js' light build with its default settings, and a plain
 * <video autoplay src>. The media address comes in the query string.
 */
const BARE_HLS_PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>hls.js</title></head>
<body style="margin:0;background:#000"><video autoplay playsinline style="width:100%;aspect-ratio:16/9"></video>
<script src="/bare/${HLS_SCRIPT_FILE}"></script>
<script>
  var video = document.querySelector("video");
  var src = new URLSearchParams(location.search).get("src");
  if (Hls.isSupported()) { var hls = new Hls(); hls.loadSource(src); hls.attachMedia(video); } else video.src = src;
</script></body></html>
`;
const BARE_MP4_PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>video</title></head>
<body style="margin:0;background:#000"><video autoplay playsinline style="width:100%;aspect-ratio:16/9"></video>
<script>document.querySelector("video").src = new URLSearchParams(location.search).get("src");</script></body></html>
`;

/** nginx serving the data folder's media and the bare pages, from a folder of its own inside the bench's. */
async function startReferenceServer(dataDir: string, mediaDir: string) {
  const binary = findNginx();
  if (!binary) throw new Error("nginx not found (PATH, /usr/sbin): the bench's references need it");
  const dir = path.join(dataDir, "nginx");
  const bare = path.join(dir, "bare");
  await fs.mkdir(bare, { recursive: true });
  await Promise.all([
    fs.writeFile(path.join(bare, "hls.html"), BARE_HLS_PAGE),
    fs.writeFile(path.join(bare, "mp4.html"), BARE_MP4_PAGE),
    fs.copyFile(path.join(HLS_SCRIPT_DIR, HLS_SCRIPT_FILE), path.join(bare, HLS_SCRIPT_FILE)),
  ]);
  const server = `
  types { text/html html; application/javascript js; application/vnd.apple.mpegurl m3u8; video/mp4 mp4; video/iso.segment m4s; }
  sendfile on;
  tcp_nopush on;
  gzip on;
  gzip_types application/javascript application/vnd.apple.mpegurl;
  server {
    listen 127.0.0.1:${NGINX_PORT};
    location /bare/ { root ${dir}; }
    location /media/ { alias ${mediaDir}/; }
  }`;
  const nginx = await startNginx(binary, dir, NGINX_PORT, server);
  cleanups.push(() => nginx.stop());
}

function pageUrl(item: Case): string {
  if (item.target === "bare-hls") return `${NGINX}/bare/hls.html?src=/media/${item.videoId}/hls/master.m3u8`;
  if (item.target === "bare-mp4") return `${NGINX}/bare/mp4.html?src=/media/${item.videoId}/mp4/video.mp4`;
  return `${BASE}/watch/${item.videoId}`;
}

const cleanups: (() => Promise<unknown>)[] = [];
const step = (message: string) => console.error(`[ttff] ${message}`);

async function createDatabase(): Promise<string> {
  const server = process.env.DATABASE_URL;
  if (server) {
    const { createDatabase, dropDatabase } = await import("@/lib/db/migrate");
    const name = `reel_bench_ttff_${Date.now()}_${randomBytes(3).toString("hex")}`;
    const url = await createDatabase(server, name);
    cleanups.push(() => dropDatabase(server, name));
    return url;
  }
  // lib/env parses the environment once, on the import below: the URL the server will have must be set first.
  const password = randomBytes(18).toString("hex");
  process.env.DATABASE_URL = `postgres://postgres:${password}@127.0.0.1:${PG_PORT}/reel`;
  const [{ startEmbeddedPostgres }, { childLogger }] = await Promise.all([import("@/scripts/lib/embedded-postgres"), import("@/lib/log")]);
  const pg = await startEmbeddedPostgres({ dataDir: path.join(process.env.REEL_DATA_DIR!, "pg"), port: PG_PORT, password, log: childLogger("bench-pg") });
  if (pg.url !== process.env.DATABASE_URL) throw new Error(`embedded Postgres answered on ${pg.url}, expected ${process.env.DATABASE_URL}`);
  cleanups.push(() => pg.stop());
  return pg.url;
}

/** Signs the administrator in through Auth.js' credentials endpoint, as the login form does. */
async function signIn(browser: Browser) {
  const context = await browser.newContext({ baseURL: BASE });
  const { csrfToken } = await (await context.request.get("/api/auth/csrf")).json();
  const response = await context.request.post("/api/auth/callback/credentials", {
    form: { csrfToken, email: ADMIN.email, password: ADMIN.password, callbackUrl: BASE },
    maxRedirects: 0,
  });
  const session = await (await context.request.get("/api/auth/session")).json().catch(() => null);
  const state = await context.storageState();
  await context.close();
  if (!session?.user) throw new Error(`Sign-in failed (HTTP ${response.status()}, cookies: ${state.cookies.map((c) => c.name).join(", ")})`);
  return state;
}

/**
 * Installed before any page script: resolves with the time of the first video frame on screen, counted from the
 * navigation start or, after a click on a link (the catalog case), from that click.
 */
const FIRST_FRAME_HOOK = `
  window.__reelFrom = 0;
  // Only a real click (the catalog's): the bench's own synthetic clicks on the video, when it waits for the controls,
  // must not move the origin of the figures read after them.
  const fromClick = (e) => {
    if (!e.isTrusted) return;
    window.__reelFrom = e.timeStamp;
    document.removeEventListener("click", fromClick, true);
  };
  document.addEventListener("click", fromClick, true);
  window.__reelFirstFrame = new Promise((resolve) => {
    // Every <video> that enters the page is watched: on a client-side navigation the one that plays comes later.
    const watched = new Set();
    const observer = new MutationObserver(() => {
      const video = document.querySelector("video");
      if (!video || watched.has(video)) return;
      watched.add(video);
      video.requestVideoFrameCallback((now, frame) => {
        observer.disconnect();
        // The compositor shows the frame without waiting for the main thread; the callback (what is measured) does.
        performance.mark("reel:frame-on-screen", { startTime: frame.expectedDisplayTime });
        resolve(now - window.__reelFrom);
      });
    });
    observer.observe(document, { childList: true, subtree: true });
  });
  // When the picture starts to move (media events do not bubble; a capturing listener sees them).
  document.addEventListener("playing", () => performance.mark("reel:playing"), { capture: true, once: true });
  // The element's own milestones, on every page alike: its load began, it knows the media's size, it has a frame.
  for (const type of ["loadstart", "loadedmetadata", "loadeddata"]) document.addEventListener(type, () => performance.mark("media " + type), { capture: true, once: true });
`;

/**
 * Seeks to a point that is not buffered yet and resolves with the time until a frame from there is on screen.
 * Kept as source text: evaluated functions must not pick up helpers the TypeScript loader adds.
 */
const SEEK_AND_WAIT = `(target) => new Promise((resolve) => {
  const video = document.querySelector("video");
  let buffered = false;
  for (let i = 0; i < video.buffered.length; i++) buffered ||= video.buffered.start(i) <= target && target < video.buffered.end(i);
  const started = performance.now();
  const onFrame = (now, frame) => {
    if (Math.abs(frame.mediaTime - target) < 1) resolve({ ms: now - started, buffered });
    else video.requestVideoFrameCallback(onFrame);
  };
  video.requestVideoFrameCallback(onFrame);
  video.currentTime = target;
})`;

/**
 * Milestones of the page load, in ms from navigation start, read after the first frame. Resource entries are
 * grouped by kind; each milestone is when the last (or first) response of its group had fully arrived.
 * Kept as source text, like SEEK_AND_WAIT.
 */
const PHASES_OF_PAGE = `() => {
  // After a click in the catalog, from the click: what the catalog page itself loaded is left out.
  const from = window.__reelFrom;
  const nav = performance.getEntriesByType("navigation")[0];
  const resources = performance.getEntriesByType("resource").filter((r) => r.startTime >= from);
  const ends = (test) => resources.filter((r) => test(r.name, r)).map((r) => r.responseEnd - from);
  // When the request left (after any wait for one of the host's connections), to tell queueing from transfer.
  const requested = (test) => resources.filter((r) => test(r.name, r)).map((r) => r.requestStart - from);
  const out = from > 0 ? {} : { "html first byte": nav.responseStart, "html done": nav.responseEnd, "dom interactive": nav.domInteractive, "DOMContentLoaded": nav.domContentLoadedEventEnd };
  // The page's own scripts: requested while the HTML was parsed (later ones are loaded on demand after hydration).
  const scripts = ends((n, r) => n.includes("/_next/static/") && n.endsWith(".js") && (from > 0 || r.startTime < nav.domInteractive));
  const hls = ends((n) => n.includes("/_reel/hls/") || n.includes("/bare/hls."));
  if (hls.length) out["hls.js script"] = Math.min(...hls);
  const styles = ends((n) => n.includes("/_next/static/") && n.endsWith(".css"));
  if (styles.length) out["css done"] = Math.max(...styles);
  if (scripts.length) out["page scripts done"] = Math.max(...scripts);
  const master = ends((n) => n.endsWith("master.m3u8"));
  const playlist = ends((n) => n.endsWith(".m3u8") && !n.endsWith("master.m3u8"));
  const init = ends((n) => /init[^/]*\.mp4$/.test(n));
  const segments = ends((n) => n.endsWith(".m4s"));
  if (master.length) out["master playlist"] = Math.min(...master);
  if (playlist.length) out["variant playlist"] = Math.min(...playlist);
  if (init.length) out["init segment"] = Math.min(...init);
  if (segments.length) out["first segment"] = Math.min(...segments);
  const segmentAsked = requested((n) => n.endsWith(".m4s"));
  if (segmentAsked.length) out["first segment requested"] = Math.min(...segmentAsked);
  for (const m of performance.getEntriesByType("mark")) if ((m.name.startsWith("reel:") || m.name.startsWith("media ")) && m.startTime >= from && !(m.name in out)) out[m.name] = m.startTime - from;
  return out;
}`;

/**
 * When the player answers a click: clicks the playing video every 10 ms (a click that comes before the player
 * listens does nothing) and resolves with the time of the first pause, from the navigation start or the click in the
 * catalog. Kept as source text, like SEEK_AND_WAIT.
 */
const CLICK_UNTIL_PAUSE = `() => new Promise((resolve) => {
  const video = document.querySelector("video");
  let paused = false;
  video.addEventListener("pause", () => {
    paused = true;
    resolve(performance.now() - window.__reelFrom);
  }, { once: true });
  const click = () => {
    if (paused) return;
    if (!video.paused) video.dispatchEvent(new MouseEvent("click", { bubbles: true, cancelable: true, view: window }));
    setTimeout(click, 10);
  };
  click();
})`;

let stage = "";
let lastProblems: string[] = [];

/** CPU seconds used by all of the browser's processes so far. */
async function browserCpuSeconds(cdp: CDPSession): Promise<number> {
  const { processInfo } = (await cdp.send("SystemInfo.getProcessInfo")) as { processInfo: { cpuTime: number }[] };
  return processInfo.reduce((sum, p) => sum + p.cpuTime, 0);
}

/** Waits until the browser is idle (see SETTLE). */
async function settle(cdp: CDPSession): Promise<void> {
  const deadline = Date.now() + SETTLE.maxMs;
  let before = await browserCpuSeconds(cdp);
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, SETTLE.stepMs));
    const now = await browserCpuSeconds(cdp);
    if ((now - before) / (SETTLE.stepMs / 1000) < SETTLE.cpu) return;
    before = now;
  }
}

async function measure(context: BrowserContext, item: Case, tracePath: string | null, browserCdp: CDPSession): Promise<Sample> {
  stage = "opening the page";
  const page = await context.newPage();
  if (tracePath) await context.browser()!.startTracing(page, { path: tracePath, screenshots: true });
  const problems: string[] = [];
  page.on("console", (m) => m.type() === "error" && problems.push(m.text()));
  page.on("pageerror", (e) => problems.push(e.message));
  page.on("response", (r) => r.status() >= 400 && problems.push(`${r.status()} ${r.url()}`));
  lastProblems = problems;
  if (item.throttled || item.cpu > 1) {
    const cdp = await context.newCDPSession(page);
    if (item.cpu > 1) await cdp.send("Emulation.setCPUThrottlingRate", { rate: item.cpu });
    if (item.throttled) {
      await cdp.send("Network.enable");
      await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 40, downloadThroughput: 20e6 / 8, uploadThroughput: 20e6 / 8 });
    }
  }
  if (item.target === "reel") {
    // The seek step's playback saves a position; the next visit would resume there (an MP4 range request into the
    // middle of the file, a later segment) while the bare pages start at 0. Every run starts at the beginning.
    stage = "clearing the saved position";
    const cleared = await context.request.delete(`${BASE}/api/history`);
    if (!cleared.ok()) throw new Error(`clearing the saved position: HTTP ${cleared.status()}`);
  }
  stage = "waiting for the browser to settle";
  await settle(browserCdp);
  if (item.visit === "catalog") {
    await page.goto(`${BASE}/videos`, { waitUntil: "load", timeout: RUN_TIMEOUT_MS });
    // A viewer looks at the catalog for a moment before clicking: what the page does once idle is done by then.
    await page.waitForTimeout(CATALOG_PAUSE_MS);
    await page.locator(`a[href="/watch/${item.videoId}"]`).first().click();
  } else {
    // Not "commit": the init script also runs in the initial about:blank document, whose promise never resolves.
    await page.goto(pageUrl(item), { waitUntil: "domcontentloaded", timeout: RUN_TIMEOUT_MS });
  }
  stage = "waiting for the first frame";
  const firstFrameMs = await page.evaluate<number>("window.__reelFirstFrame");
  let controlsMs: number | null = null;
  if (item.target === "reel") {
    stage = "waiting for the controls to answer a click";
    controlsMs = await page.evaluate<number>(`(${CLICK_UNTIL_PAUSE})()`);
    // The first frame can come before the engine is attached: wait for the player to say which engine.
    const engine = await (await page.waitForSelector('[data-testid=player]:not([data-engine="loading"])')).getAttribute("data-engine");
    if (engine !== item.engine) throw new Error(`${item.name}: the player used ${engine}, expected ${item.engine}`);
    await page.evaluate("document.querySelector('video').play()");
  }
  stage = "waiting for the frame after the seek";
  const phases = PHASES ? { ...(await page.evaluate<Record<string, number>>(`(${PHASES_OF_PAGE})()`)), "first frame": firstFrameMs, ...(controlsMs === null ? {} : { "controls answer": controlsMs }) } : {};
  if (tracePath) await context.browser()!.stopTracing();
  const seek = await page.evaluate<{ ms: number; buffered: boolean }>(`(${SEEK_AND_WAIT})(${SEEK_TO})`);
  await page.close();
  return { firstFrameMs, seekMs: seek.ms, seekWasBuffered: seek.buffered, controlsMs, phases };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

async function main() {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "reel-bench-ttff-"));
  await fs.chmod(dataDir, 0o755);
  cleanups.push(() => fs.rm(dataDir, { recursive: true, force: true }));
  const secrets = { AUTH_SECRET: randomBytes(32).toString("hex"), REEL_MEDIA_KEYS: `b1:${randomBytes(32).toString("hex")}` };
  // lib/env reads these when first imported: everything from lib/ is imported after this line.
  Object.assign(process.env, { REEL_DATA_DIR: dataDir, ...secrets, LOG_LEVEL: "warn" });
  const serverUrl = process.env.DATABASE_URL;
  const databaseUrl = await createDatabase();
  process.env.DATABASE_URL = databaseUrl;
  const { runMigrations } = await import("@/lib/db/migrate");
  await runMigrations(databaseUrl);

  step(`generating a ${SECONDS} s 1080p ladder (1080/720/360, 2 s segments) and a 1080p faststart MP4`);
  const { createTestVideo } = await import("@/e2e/watch-media");
  const ladder = [
    { height: 1080, kbps: 4500 },
    { height: 720, kbps: 2500 },
    { height: 360, kbps: 700 },
  ];
  const hls = await createTestVideo({ title: "Bench ladder", seconds: SECONDS, fps: 30, rungs: ladder, mp4Height: 1080 });
  const mp4 = await createTestVideo({ title: "Bench MP4", seconds: SECONDS, fps: 30, rungs: ladder, mp4Height: 1080, status: "processing" });
  const { closeDb } = await import("@/lib/db/client");
  await closeDb();

  step(`starting Reel on ${BASE} (database ${serverUrl ? "on DATABASE_URL's server" : "embedded"})`);
  await startReelInstance({ env: { ...process.env, DATABASE_URL: databaseUrl, REEL_DATA_DIR: dataDir, LOG_LEVEL: "warn", ...secrets }, port: PORT, admin: ADMIN, logFile: path.join(dataDir, "reel.log"), cleanups, step });
  const browser = await chromium.launch({
    executablePath: process.env.PLAYWRIGHT_CHROMIUM_PATH ?? "/usr/bin/chromium",
    // A viewer who clicked a video has interacted with the site, so playback with sound is allowed.
    args: [...CHROMIUM_ARGS, "--autoplay-policy=no-user-gesture-required"],
  });
  cleanups.push(() => browser.close());
  const browserCdp = await browser.newBrowserCDPSession();
  const storageState = await signIn(browser);

  await startReferenceServer(dataDir, path.join(dataDir, "media"));

  const LOOP = "HLS 1080p ladder, loopback";
  const BARE_HLS = "bare hls.js page (nginx), loopback";
  const BARE_MP4 = "bare <video src> MP4 (nginx), loopback";
  const BARE_HLS_SLOW = `bare hls.js page (nginx), CPU ${SLOW_CPU}x`;
  const plain = { throttled: false, cpu: 1, visit: "cold" } as const;
  const all: Case[] = [
    { name: LOOP, target: "reel", videoId: hls.id, engine: "hls", ...plain, reference: BARE_HLS, goal: 0.8 },
    { name: BARE_HLS, target: "bare-hls", videoId: hls.id, engine: "hls", ...plain },
    { name: "faststart MP4, loopback", target: "reel", videoId: mp4.id, engine: "mp4", ...plain, reference: BARE_MP4, goal: 1 },
    { name: BARE_MP4, target: "bare-mp4", videoId: mp4.id, engine: "mp4", ...plain },
    { name: `HLS 1080p ladder, CPU ${SLOW_CPU}x`, target: "reel", videoId: hls.id, engine: "hls", ...plain, cpu: SLOW_CPU, reference: BARE_HLS_SLOW, goal: 0.9 },
    { name: BARE_HLS_SLOW, target: "bare-hls", videoId: hls.id, engine: "hls", ...plain, cpu: SLOW_CPU },
    { name: "HLS, loopback, returning viewer", target: "reel", videoId: hls.id, engine: "hls", ...plain, visit: "returning" },
    { name: "HLS, loopback, click in the catalog", target: "reel", videoId: hls.id, engine: "hls", ...plain, visit: "catalog" },
    { name: "HLS 1080p ladder, 20 Mbit/s 40 ms", target: "reel", videoId: hls.id, engine: "hls", ...plain, throttled: true },
    { name: "faststart MP4, 20 Mbit/s 40 ms", target: "reel", videoId: mp4.id, engine: "mp4", ...plain, throttled: true },
  ];
  const cases = all.filter((c) => (!LOOPBACK_ONLY || !c.throttled) && (!ONLY || ONLY.some((name) => c.name.startsWith(name))));
  const results = new Map<string, Sample[]>(cases.map((c) => [c.name, []]));
  const failures = new Map<string, string[]>(cases.map((c) => [c.name, []]));
  const newContext = async () => {
    const context = await browser.newContext({ storageState, viewport: { width: 1280, height: 720 } });
    await context.addInitScript(FIRST_FRAME_HOOK);
    return context;
  };
  // A returning viewer keeps one browser context: its first (unmeasured) run fills the cache the others use.
  const shared = new Map<string, BrowserContext>();
  for (const item of cases) if (item.visit === "returning") shared.set(item.name, await newContext());
  // Run by run, every case in turn. One unmeasured round warms the servers (route compilation caches, connection pool).
  for (let run = 0; run <= RUNS; run++) {
    for (const item of cases) {
      const failed = failures.get(item.name)!;
      if (failed.length > RUNS / 4) continue;
      const context = shared.get(item.name) ?? (await newContext());
      try {
        const sample = await Promise.race([
          measure(context, item, TRACE_DIR && run === RUNS ? path.join(TRACE_DIR, `${item.name.replace(/[^a-z0-9]+/gi, "-")}.json`) : null, browserCdp),
          new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`run timed out ${stage}`)), RUN_TIMEOUT_MS)),
        ]);
        if (run > 0) results.get(item.name)!.push(sample);
      } catch (error) {
        // A slow run on a busy machine is a result too: it is counted, and a case with too many of them is dropped
        // from the next rounds (its table row says so) while the others go on.
        if (run > 0) failed.push((error as Error).message);
        step(`${item.name}: ${(error as Error).message}${lastProblems.length ? `; the page reported: ${lastProblems.join(" | ")}` : ""}`);
        if (failed.length > RUNS / 4) step(`${item.name}: ${failed.length} runs failed, left out from now on`);
      } finally {
        if (!shared.has(item.name)) await context.close();
      }
    }
    step(`round ${run}/${RUNS} done`);
  }
  for (const context of shared.values()) await context.close();

  const rows = cases.map((item) => {
    const samples = results.get(item.name)!;
    const first = samples.map((s) => s.firstFrameMs);
    const seek = samples.map((s) => s.seekMs);
    const controls = samples.flatMap((s) => (s.controlsMs === null ? [] : [s.controlsMs]));
    // How long after its own first frame each run's controls answered.
    const controlsAfter = samples.flatMap((s) => (s.controlsMs === null ? [] : [s.controlsMs - s.firstFrameMs]));
    const buffered = samples.filter((s) => s.seekWasBuffered).length;
    const failed = failures.get(item.name)!.length;
    return {
      item,
      first: [percentile(first, 50), percentile(first, 95)],
      seek: [percentile(seek, 50), percentile(seek, 95)],
      controls: controls.length ? [percentile(controls, 50), percentile(controlsAfter, 50), percentile(controlsAfter, 95)] : null,
      buffered,
      failed,
    };
  });
  const byName = new Map(rows.map((r) => [r.item.name, r]));
  const ms = (n: number) => `${Math.round(n)} ms`;
  console.log(`\nTime to first frame, Chromium ${browser.version()}, ${RUNS} runs per case, alternating run by run, from the navigation start (from the click for the catalog case); cold cache per run except for the returning viewer\n`);
  console.log(`${"case".padEnd(40)} ${"→frame p50".padStart(11)} ${"p95".padStart(8)} ${"seek p50".padStart(9)} ${"p95".padStart(8)} ${"controls p50".padStart(13)} ${"−frame p50".padStart(11)} ${"p95".padStart(8)}  seek buffered, failed`);
  for (const row of rows) {
    const c = row.controls;
    console.log(
      `${row.item.name.padEnd(40)} ${ms(row.first[0]).padStart(11)} ${ms(row.first[1]).padStart(8)} ${ms(row.seek[0]).padStart(9)} ${ms(row.seek[1]).padStart(8)} ${(c ? ms(c[0]) : "–").padStart(13)} ${(c ? ms(c[1]) : "–").padStart(11)} ${(c ? ms(c[2]) : "–").padStart(8)}  ${row.buffered}/${RUNS}, ${row.failed}`,
    );
  }
  console.log(`\nRatios of p50s, Reel / reference measured in this run (goal in brackets)`);
  console.log(`${"case".padEnd(40)} ${"reference".padEnd(40)} ${"→frame".padStart(14)} ${"seek→frame".padStart(14)}`);
  for (const row of rows) {
    const ref = row.item.reference ? byName.get(row.item.reference) : undefined;
    if (!ref) continue;
    const first = row.first[0] / ref.first[0];
    const seek = row.seek[0] / ref.seek[0];
    const firstText = `${first.toFixed(2)}x (≤${row.item.goal})`;
    // The seek goal (≤ 1.0x) applies to the HLS cases; a bare <video src> seeks by byte ranges like Reel's MP4.
    const seekText = `${seek.toFixed(2)}x (≤1)`;
    console.log(`${row.item.name.padEnd(40)} ${ref.item.name.padEnd(40)} ${firstText.padStart(14)} ${seekText.padStart(14)}`);
  }
  console.log("");
  for (const row of rows) {
    const ref = row.item.reference ? byName.get(row.item.reference) : undefined;
    if (ref && row.item.goal) {
      const ok = row.first[0] / ref.first[0] <= row.item.goal && row.seek[0] / ref.seek[0] <= 1;
      console.log(`Goal, ${row.item.name}: ${ok ? "met" : "NOT met"}`);
    }
    if (row.item.target === "reel" && row.controls && !row.item.throttled && row.item.cpu === 1 && row.item.visit === "cold") {
      console.log(`Goal (controls ≤ first frame + ${CONTROLS_AFTER_FRAME_MS} ms), ${row.item.name}: ${row.controls[1] <= CONTROLS_AFTER_FRAME_MS ? "met" : "NOT met"} (+${Math.round(row.controls[1])} ms p50)`);
    }
  }
  if (PHASES) {
    for (const item of cases) {
      const samples = results.get(item.name)!;
      const names = [...new Set(samples.flatMap((s) => Object.keys(s.phases)))];
      const medians = names
        .map((name) => ({ name, values: samples.map((s) => s.phases[name]).filter((v) => v !== undefined) }))
        .map(({ name, values }) => ({ name, at: percentile(values, 50), seen: values.length }))
        .sort((a, b) => a.at - b.at);
      console.log(`\n${item.name}: median ms from navigation start or the click (runs where the step was seen)`);
      for (const m of medians) console.log(`  ${m.name.padEnd(28)} ${ms(m.at).padStart(8)}${m.seen < samples.length ? `  (${m.seen}/${samples.length})` : ""}`);
    }
  }
}

async function cleanup() {
  // Last in, first out: the browser before Reel, Reel before its database, the database before its folder.
  for (const fn of cleanups.splice(0).reverse()) await fn().catch((e: Error) => console.error(`[ttff] cleanup: ${e.message}`));
}

const deadline = setTimeout(() => {
  console.error(`[ttff] stopped after ${DEADLINE_MS / 60_000} minutes`);
  void cleanup().then(() => process.exit(2));
}, DEADLINE_MS);

main()
  .then(cleanup, async (error: Error) => {
    console.error(`[ttff] ${error.stack ?? error.message}${error.cause ? `\ncaused by: ${String(error.cause)}` : ""}`);
    await cleanup();
    process.exitCode = 1;
  })
  .finally(() => {
    clearTimeout(deadline);
    process.exit();
  });
