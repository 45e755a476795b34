/*
 * Reel's service worker: the app shell offline, downloaded videos under stable keys, and reports made offline.
 *
 * Hand-written rather than generated (Serwist): what it does is small and specific (the shell, one media cache,
 * an outbox), and a generator would add a second build step and a precache manifest to Turbopack builds for it.
 * The page registers it as /sw.js?v=<build id> (components/offline/offline-agent.tsx): a new build is a new script,
 * and the shell cache of the old one goes away when the new one activates.
 *
 * What it never touches (the browser's own path, no respondWith): /media/ (signed URLs, byte ranges of originals),
 * /api/ except the three report endpoints, uploads, and everything cross-origin.
 */

const VERSION = new URL(self.location.href).searchParams.get("v") || "dev";
const SHELL = `reel-shell-${VERSION}`;
/** Written by the pages' download manager (lib/offline/store.ts), read here; shared names. */
const MEDIA = "reel-offline-media";
const RECORDS = "reel-offline-records";
const OUTBOX = "reel-outbox";
/** Whose offline data this is, in RECORDS (lib/offline/store.ts): `{ userId }`, null for a guest. */
const OWNER = "/offline-owner";
/**
 * Pages that must work without a network from the first install on. They are kept as anyone sees them (fetched
 * without cookies, never replaced by a signed-in copy), so signing out (lib/offline/store.ts) need not remove them.
 */
const SHELL_PAGES = ["/offline", "/downloads"];
const STATIC = /^\/(_next\/static|_reel)\//;
const REPORT = /^\/api\/(videos\/[0-9a-f-]{36}\/(progress|view)|qoe)$/;

self.addEventListener("install", (event) => {
  event.waitUntil(precacheShell().then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      const names = await caches.keys();
      await Promise.all(names.filter((n) => n.startsWith("reel-shell-") && n !== SHELL).map((n) => caches.delete(n)));
      // The page's request starts while the worker boots, so a controlled navigation is not slower online.
      if (self.registration.navigationPreload) await self.registration.navigationPreload.enable();
      await self.clients.claim();
    })(),
  );
});

/** The shell pages and the scripts and styles they name, so /offline and /downloads run with no network at all. */
async function precacheShell() {
  const cache = await caches.open(SHELL);
  const assets = new Set(["/manifest.webmanifest", "/icon.svg", "/icons/icon-192.png"]);
  for (const page of SHELL_PAGES) {
    const response = await fetch(page, { credentials: "omit", cache: "no-store" });
    if (!response.ok) throw new Error(`${page}: ${response.status}`);
    const html = await response.clone().text();
    for (const m of html.matchAll(/\/(?:_next\/static|_reel)\/[^"'\s\\<>)]+/g)) assets.add(m[0].replace(/&amp;/g, "&"));
    await cache.put(page, response);
  }
  await Promise.all([...assets].map((url) => cache.add(url).catch(() => undefined)));
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === "GET") {
    if (url.pathname.startsWith("/offline-media/")) return event.respondWith(offlineMedia(request, url));
    if (request.mode === "navigate") return event.respondWith(navigate(event, url));
    if (STATIC.test(url.pathname)) return event.respondWith(cacheFirst(request));
    if (url.pathname.startsWith("/icons/") || url.pathname === "/manifest.webmanifest" || url.pathname === "/icon.svg") {
      return event.respondWith(networkFirst(request));
    }
    return;
  }
  if ((request.method === "PUT" || request.method === "POST") && REPORT.test(url.pathname)) event.respondWith(report(request, url));
});

self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "flush-outbox") event.waitUntil(flushOutbox());
});

/** Online: the network, kept as this page's offline copy. Offline: that copy, else the offline page. */
async function navigate(event, url) {
  const cache = await caches.open(SHELL);
  try {
    const response = (await event.preloadResponse) || (await fetch(event.request));
    const html = (response.headers.get("content-type") || "").startsWith("text/html");
    if (response.ok && response.type === "basic" && html && !SHELL_PAGES.includes(url.pathname + url.search)) {
      event.waitUntil(cache.put(url.pathname + url.search, response.clone()));
    }
    // The network answers again: what was recorded offline goes out now, whether or not the page saw "online".
    event.waitUntil(flushOutbox());
    return response;
  } catch {
    const shellPage = SHELL_PAGES.includes(url.pathname) ? url.pathname : null;
    return (
      (await cache.match(url.pathname + url.search)) ||
      (shellPage && (await cache.match(shellPage))) ||
      (await cache.match("/offline")) ||
      new Response("Offline", { status: 503, headers: { "content-type": "text/plain" } })
    );
  }
}

/** Build files have their content in their name: once stored, they are right for good. */
async function cacheFirst(request) {
  const cache = await caches.open(SHELL);
  const hit = await cache.match(request);
  if (hit) return hit;
  const response = await fetch(request);
  if (response.ok && response.type === "basic") cache.put(request, response.clone()).catch(() => undefined);
  return response;
}

async function networkFirst(request) {
  const cache = await caches.open(SHELL);
  try {
    const response = await fetch(request);
    if (response.ok) cache.put(request, response.clone()).catch(() => undefined);
    return response;
  } catch {
    return (await cache.match(request)) || Response.error();
  }
}

/**
 * A downloaded video's files under their stable keys (/offline-media/<video id>/<path in its folder>), with byte
 * ranges for the MP4 the video element asks for in pieces.
 */
async function offlineMedia(request, url) {
  const cache = await caches.open(MEDIA);
  const hit = await cache.match(url.pathname);
  if (!hit) return new Response("Not downloaded", { status: 404, headers: { "content-type": "text/plain" } });
  const range = /^bytes=(\d*)-(\d*)$/.exec(request.headers.get("range") || "");
  if (!range) return hit;
  const blob = await hit.blob();
  const start = range[1] ? Number(range[1]) : Math.max(0, blob.size - Number(range[2]));
  const end = range[1] && range[2] ? Math.min(Number(range[2]), blob.size - 1) : blob.size - 1;
  if (!(start <= end) || start >= blob.size) {
    return new Response(null, { status: 416, headers: { "content-range": `bytes */${blob.size}` } });
  }
  return new Response(blob.slice(start, end + 1), {
    status: 206,
    headers: {
      "content-type": hit.headers.get("content-type") || "application/octet-stream",
      "content-range": `bytes ${start}-${end}/${blob.size}`,
      "content-length": String(end - start + 1),
      "accept-ranges": "bytes",
    },
  });
}

/**
 * Position saves, views and playback-quality reports: sent as usual, and kept in the outbox when there is no
 * network, to be sent when the app is online again. A queued position carries the time it was taken (`at`), so the
 * server keeps it only if nothing later was saved meanwhile (on another device, say).
 */
async function report(request, url) {
  const body = await request.clone().text();
  const progress = url.pathname.endsWith("/progress") ? parse(body) : null;
  if (progress) await rememberPosition(url.pathname.split("/")[3], progress);
  try {
    const response = await fetch(request);
    flushOutbox();
    return response;
  } catch {
    const queued = progress ? JSON.stringify({ ...progress, at: progress.at || Date.now() }) : body;
    const outbox = await caches.open(OUTBOX);
    const key = `/outbox/${String(Date.now()).padStart(15, "0")}-${Math.random().toString(36).slice(2)}`;
    const owner = await readOwner();
    await outbox.put(key, new Response(JSON.stringify({ url: url.pathname, method: request.method, body: queued, owner })));
    return new Response(null, { status: 202 });
  }
}

function parse(text) {
  try {
    const value = JSON.parse(text);
    return value && typeof value === "object" ? value : null;
  } catch {
    return null;
  }
}

/** How far a downloaded video was watched, for the Downloads page and the next offline start. */
async function rememberPosition(videoId, progress) {
  const records = await caches.open(RECORDS);
  if (!(await records.match(`/offline-records/${videoId}`))) return;
  await records.put(`/offline-records/${videoId}/position`, new Response(JSON.stringify({ position: progress.position, at: Date.now() })));
}

/** Whose the data on this device is, as the pages last confirmed it; undefined when not recorded. */
async function readOwner() {
  const hit = await (await caches.open(RECORDS)).match(OWNER);
  const value = hit ? parse(await hit.text()) : null;
  return value && (typeof value.userId === "string" || value.userId === null) ? value.userId : undefined;
}

/**
 * Whose session the cookies carry now (GET /api/session): a user id, null when signed out, undefined without a
 * clear answer from Reel (no network, a server error, a proxy or portal in front of it). The pages read the same
 * answer with readSessionAnswer (lib/offline/rules.ts); this file is served as it is, so it cannot import that.
 */
async function sessionUser() {
  try {
    const response = await fetch("/api/session", { credentials: "same-origin", cache: "no-store" });
    const body = parse(await response.text());
    if (response.status === 200 && body && typeof body.userId === "string") return body.userId;
    if (response.status === 401 && body && body.error && body.error.code === "unauthorized") return null;
  } catch {
    // No network: the outbox waits.
  }
  return undefined;
}

let flushing = null;

/**
 * Sends what waits in the outbox, oldest first; stops at the first network failure and keeps the rest. A report goes
 * out only under the session it was made in: one of an account that was signed out meanwhile, or of a guest, is
 * never sent with someone else's cookie; it is dropped (the pages forget that account's data anyway).
 */
function flushOutbox() {
  flushing ??= (async () => {
    const outbox = await caches.open(OUTBOX);
    const keys = (await outbox.keys()).sort((a, b) => (a.url < b.url ? -1 : 1));
    if (keys.length === 0) return;
    const user = await sessionUser();
    if (user === undefined) return;
    for (const key of keys) {
      const entry = await (await outbox.match(key)).json();
      if (entry.owner !== user) {
        await outbox.delete(key);
        continue;
      }
      let response;
      try {
        response = await fetch(entry.url, {
          method: entry.method,
          headers: { "content-type": "application/json" },
          body: entry.body,
          credentials: "same-origin",
        });
      } catch {
        return;
      }
      // A server error may pass; a refusal (signed out, video gone, rate limit) will not change on a retry.
      if (response.status >= 500) return;
      await outbox.delete(key);
    }
  })().finally(() => {
    flushing = null;
  });
  return flushing;
}
