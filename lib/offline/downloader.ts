import { fitsQuota, formatBytes } from "./rules";
import { deleteMedia, forgetUserData, listRecords, MEDIA_CACHE, mediaKey, playerScriptKey, readRecord, storedRels, writeOwner, writeRecord } from "./store";
import type { DownloadRecord, DownloadStatus, OfflinePlan, OfflineSummary } from "./types";

/** What the download UI shows for one video. */
export type DownloadState = {
  videoId: string;
  status: DownloadStatus;
  storedBytes: number;
  totalBytes: number;
  /** Bytes per second over the last few seconds, while downloading. */
  bytesPerSecond: number | null;
  note: string | null;
};

/** Files fetched at once: enough to keep a connection busy between segments, few enough to pause promptly. */
const PARALLEL = 3;
const SPEED_WINDOW_MS = 3000;

export const QUOTA_MESSAGE = "Not enough storage space on this device for this download. Free up space or choose a lower quality.";

class Gone extends Error {}

function isQuotaError(error: unknown): boolean {
  return error instanceof DOMException && (error.name === "QuotaExceededError" || error.code === 22);
}

async function fetchPlan(videoId: string, height: number): Promise<OfflinePlan> {
  const response = await fetch(`/api/videos/${videoId}/offline?height=${height}`, { credentials: "same-origin" });
  if (response.status === 404 || response.status === 403 || response.status === 401) throw new Gone("This video is no longer available to you.");
  if (!response.ok) throw new Error(`The server refused the download (${response.status}).`);
  return response.json();
}

export async function fetchSummary(videoId: string): Promise<OfflineSummary | "gone"> {
  const response = await fetch(`/api/videos/${videoId}/offline`, { credentials: "same-origin" });
  if (response.status === 404 || response.status === 403 || response.status === 401) return "gone";
  if (!response.ok) throw new Error(`The server refused the download (${response.status}).`);
  return response.json();
}

function recordFrom(plan: OfflinePlan, saveProgress: boolean, previous?: DownloadRecord | null): DownloadRecord {
  const files = plan.files.map(({ rel, bytes }) => ({ rel, bytes }));
  if (plan.master) files.unshift({ rel: "hls/master.m3u8", bytes: new TextEncoder().encode(plan.master).length });
  return {
    videoId: plan.videoId,
    title: plan.title,
    duration: plan.duration,
    aspect: plan.aspect,
    version: plan.version,
    kind: plan.kind,
    height: plan.height,
    hlsScriptUrl: plan.hlsScriptUrl,
    audioTracks: plan.audioTracks,
    posterRel: plan.posterRel,
    storyboardRel: plan.storyboardRel,
    captions: plan.captions,
    // Records kept before chapters travelled with downloads have none.
    chaptersRel: plan.chaptersRel ?? null,
    files,
    totalBytes: files.reduce((n, f) => n + f.bytes, 0),
    status: "downloading",
    note: null,
    saveProgress,
    createdAt: previous?.createdAt ?? Date.now(),
    completedAt: null,
  };
}

/**
 * Downloads for offline viewing, run by whichever tab of the app is open (one tab per download, by a Web Lock), and
 * resumed when the app is opened again: what is already stored is kept, and the rest is fetched with freshly signed
 * URLs. Pause, resume and cancel from any tab reach the one running it over a BroadcastChannel.
 */
class DownloadManager {
  private states = new Map<string, DownloadState>();
  private running = new Map<string, AbortController>();
  private listeners = new Set<() => void>();
  private resets = 0;
  private samples = new Map<string, { at: number; bytes: number }[]>();
  private channel = typeof BroadcastChannel === "undefined" ? null : new BroadcastChannel("reel-downloads");

  constructor() {
    this.channel?.addEventListener("message", (e: MessageEvent<{ type: string; videoId: string; state?: DownloadState }>) => {
      const { type, videoId } = e.data;
      if (type === "state" && e.data.state && !this.running.has(videoId)) this.set(e.data.state, false);
      if (type === "pause" && this.running.has(videoId)) void this.pause(videoId);
      if (type === "cancel" && this.running.has(videoId)) void this.cancel(videoId);
      if (type === "forgotten") this.reset(false);
    });
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  state(videoId: string): DownloadState | undefined {
    return this.states.get(videoId);
  }

  /** Counts the times the stored data was forgotten (reset()): what a view read of it before is void. */
  generation(): number {
    return this.resets;
  }

  private set(state: DownloadState, broadcast = true) {
    this.states.set(state.videoId, state);
    if (broadcast) this.channel?.postMessage({ type: "state", videoId: state.videoId, state });
    for (const listener of this.listeners) listener();
  }

  private forget(videoId: string, note: string | null, status: DownloadStatus = "failed") {
    this.set({ videoId, status, storedBytes: 0, totalBytes: 0, bytesPerSecond: null, note });
  }

  /**
   * Starts a download: asks for persistent storage, checks the space estimate, then stores the chosen quality.
   * Refused (with the reason in the state) when it does not fit; nothing is stored then.
   */
  async start(videoId: string, height: number, saveProgress: boolean): Promise<void> {
    this.set({ videoId, status: "downloading", storedBytes: 0, totalBytes: 0, bytesPerSecond: null, note: null });
    try {
      const plan = await fetchPlan(videoId, height);
      const record = recordFrom(plan, saveProgress);
      // Without persistence the browser may evict the downloads under storage pressure; a refusal is not fatal.
      await navigator.storage?.persist?.().catch(() => false);
      const estimate = (await navigator.storage?.estimate?.().catch(() => null)) ?? {};
      if (!fitsQuota(estimate, record.totalBytes)) return this.forget(videoId, QUOTA_MESSAGE);
      await writeRecord(record);
      await this.run(videoId, plan);
    } catch (error) {
      if (isQuotaError(error)) {
        await deleteMedia(videoId, { record: true });
        return this.forget(videoId, QUOTA_MESSAGE);
      }
      this.forget(videoId, (error as Error).message);
    }
  }

  async pause(videoId: string): Promise<void> {
    const controller = this.running.get(videoId);
    if (!controller) return void this.channel?.postMessage({ type: "pause", videoId });
    controller.abort("pause");
  }

  async resume(videoId: string): Promise<void> {
    const record = await readRecord(videoId);
    if (!record) return;
    await writeRecord({ ...record, status: "downloading", note: null });
    await this.run(videoId);
  }

  /** Stops a download and removes everything it stored. */
  async cancel(videoId: string): Promise<void> {
    const controller = this.running.get(videoId);
    if (controller) controller.abort("cancel");
    else this.channel?.postMessage({ type: "cancel", videoId });
    await deleteMedia(videoId, { record: true });
    this.forget(videoId, null, "gone");
  }

  /** Deletes a finished (or gone) download. */
  remove(videoId: string): Promise<void> {
    return this.cancel(videoId);
  }

  /** Signing out: every download stops, in this tab and the others, before the stored data is removed. */
  async stopAll(): Promise<void> {
    for (const record of await listRecords()) if (record.status !== "complete") await this.cancel(record.videoId);
  }

  /** The stored data is gone: what every tab shows of downloads is read again (finished ones send no state of their own). */
  reset(broadcast = true) {
    this.states.clear();
    this.resets++;
    if (broadcast) this.channel?.postMessage({ type: "forgotten", videoId: "" });
    for (const listener of this.listeners) listener();
  }

  /** On app start, online: downloads left unfinished (a reload, a closed tab) go on where they stopped. */
  async resumeAll(): Promise<void> {
    for (const record of await listRecords()) {
      if (record.status === "downloading" && !this.running.has(record.videoId)) void this.run(record.videoId);
    }
  }

  /**
   * On app start, online: a finished download whose video was deleted or made private is removed (its record stays,
   * marked, until the viewer deletes it); one whose video was re-processed is downloaded again at the same quality.
   */
  async checkStale(): Promise<void> {
    for (const record of await listRecords()) {
      if (record.status !== "complete" && record.status !== "paused") continue;
      const summary = await fetchSummary(record.videoId).catch(() => null);
      if (summary === null) continue;
      if (summary === "gone") {
        await deleteMedia(record.videoId, { record: false });
        await writeRecord({ ...record, status: "gone", note: "This video was removed or made private, so its download was deleted." });
        this.forget(record.videoId, "removed", "gone");
        continue;
      }
      if (summary.version === record.version) continue;
      const height = summary.qualities.some((q) => q.height === record.height) ? record.height : (summary.qualities[0]?.height ?? record.height);
      await deleteMedia(record.videoId, { record: false });
      await writeRecord({ ...record, height, status: "downloading", note: "This video changed on the server: downloading it again." });
      void this.run(record.videoId);
    }
  }

  private async run(videoId: string, plan?: OfflinePlan): Promise<void> {
    if (!navigator.locks) return this.runLocked(videoId, plan);
    // Another tab holding the lock is running it already.
    await navigator.locks.request(`reel-download-${videoId}`, { ifAvailable: true }, async (lock) => {
      if (lock) await this.runLocked(videoId, plan);
    });
  }

  private async runLocked(videoId: string, givenPlan?: OfflinePlan): Promise<void> {
    const controller = new AbortController();
    this.running.set(videoId, controller);
    const signal = controller.signal;
    let record = await readRecord(videoId);
    try {
      if (!record) return;
      let plan = givenPlan ?? (await fetchPlan(videoId, record.height));
      if (plan.version !== record.version) {
        // Changed on the server since the download began: what is stored belongs to the old version.
        await deleteMedia(videoId, { record: false });
        record = { ...recordFrom(plan, record.saveProgress, record), note: record.note };
        await writeRecord(record);
      }
      const current = record;
      const media = await caches.open(MEDIA_CACHE);
      const stored = await storedRels(videoId);
      let storedBytes = current.files.filter((f) => stored.has(f.rel)).reduce((n, f) => n + f.bytes, 0);
      let reportedAt = 0;
      // A few updates a second are enough for a progress bar; one per network chunk would flood the other tabs.
      const report = (force = false) => {
        const now = performance.now();
        if (!force && now - reportedAt < 200) return;
        reportedAt = now;
        this.set({ videoId, status: "downloading", storedBytes, totalBytes: current.totalBytes, bytesPerSecond: this.speed(videoId, storedBytes), note: current.note });
      };
      report(true);
      if (plan.master && !stored.has("hls/master.m3u8")) {
        await media.put(mediaKey(videoId, "hls/master.m3u8"), new Response(plan.master, { headers: { "content-type": "application/vnd.apple.mpegurl" } }));
        storedBytes += current.files.find((f) => f.rel === "hls/master.m3u8")?.bytes ?? 0;
      }
      if (plan.hlsScriptUrl) await this.storePlayerScript(plan.hlsScriptUrl, playerScriptKey(plan.audioTracks.length > 0));

      const queue = current.files.filter((f) => !stored.has(f.rel) && f.rel !== "hls/master.m3u8");
      const fetchOne = async (rel: string) => {
        let url = plan.files.find((f) => f.rel === rel)?.url;
        for (let attempt = 0; ; attempt++) {
          if (!url) throw new Error("The download's file list changed; try again.");
          const response = await fetch(url, { signal, credentials: "same-origin", cache: "no-store" });
          // A signed URL that expired during a long download: sign the rest again.
          if ((response.status === 403 || response.status === 410) && attempt === 0) {
            plan = await fetchPlan(videoId, current.height);
            url = plan.files.find((f) => f.rel === rel)?.url;
            continue;
          }
          if (!response.ok || !response.body) throw new Error(`A file of the download failed (${response.status}).`);
          const chunks: Uint8Array[] = [];
          const reader = response.body.getReader();
          for (;;) {
            const { done, value } = await reader.read();
            if (done) break;
            chunks.push(value);
            storedBytes += value.length;
            report();
          }
          const type = response.headers.get("content-type") ?? "application/octet-stream";
          await media.put(mediaKey(videoId, rel), new Response(new Blob(chunks as BlobPart[], { type }), { headers: { "content-type": type } }));
          return;
        }
      };
      const workers = Array.from({ length: PARALLEL }, async () => {
        for (let next = queue.shift(); next; next = queue.shift()) {
          if (signal.aborted) return;
          await fetchOne(next.rel);
        }
      });
      await Promise.all(workers);
      if (signal.aborted) throw signal.reason;
      await writeRecord({ ...current, status: "complete", note: null, completedAt: Date.now() });
      this.set({ videoId, status: "complete", storedBytes: current.totalBytes, totalBytes: current.totalBytes, bytesPerSecond: null, note: null });
    } catch (error) {
      await this.stopped(videoId, record, signal.aborted ? signal.reason : error);
    } finally {
      this.running.delete(videoId);
      this.samples.delete(videoId);
    }
  }

  private async stopped(videoId: string, record: DownloadRecord | null, reason: unknown) {
    if (reason === "cancel") return;
    if (isQuotaError(reason)) {
      // Half a video is of no use and the space is what the viewer needs back.
      await deleteMedia(videoId, { record: true });
      return this.forget(videoId, QUOTA_MESSAGE);
    }
    if (reason instanceof Gone) {
      await deleteMedia(videoId, { record: false });
      if (record) await writeRecord({ ...record, status: "gone", note: reason.message });
      return this.forget(videoId, reason.message, "gone");
    }
    const latest = record && (await readRecord(videoId));
    if (!latest) return;
    const paused = reason === "pause";
    const stored = await storedRels(videoId);
    const storedBytes = latest.files.filter((f) => stored.has(f.rel)).reduce((n, f) => n + f.bytes, 0);
    // Offline or a failed file: paused too, and resumed by hand (or on the next start when it was "downloading").
    const note = paused ? null : navigator.onLine ? (reason as Error)?.message ?? "The download stopped." : "Paused: no network.";
    await writeRecord({ ...latest, status: paused ? "paused" : "downloading", note });
    this.set({ videoId, status: paused ? "paused" : "failed", storedBytes, totalBytes: latest.totalBytes, bytesPerSecond: null, note });
  }

  private async storePlayerScript(url: string, key: string) {
    const media = await caches.open(MEDIA_CACHE);
    const current = await media.match(key);
    if (current?.headers.get("x-reel-source") === url) return;
    const response = await fetch(url, { credentials: "same-origin" });
    if (!response.ok) throw new Error(`The player could not be stored (${response.status}).`);
    const headers = { "content-type": "text/javascript; charset=utf-8", "x-reel-source": url };
    await media.put(key, new Response(await response.blob(), { headers }));
  }

  private speed(videoId: string, bytes: number): number | null {
    const now = performance.now();
    const samples = (this.samples.get(videoId) ?? []).filter((s) => now - s.at <= SPEED_WINDOW_MS);
    samples.push({ at: now, bytes });
    this.samples.set(videoId, samples);
    const first = samples[0];
    const elapsed = (now - first.at) / 1000;
    return elapsed >= 0.25 ? (bytes - first.bytes) / elapsed : null;
  }
}

let manager: DownloadManager | null = null;

export function downloads(): DownloadManager {
  manager ??= new DownloadManager();
  return manager;
}

/**
 * The device forgets the person: downloads stop, then everything it keeps of them goes (store.ts, forgetUserData), and
 * the data from now on is `nextOwner`'s (a guest's unless someone else is signed in already). Run before signing out
 * here, and when the app learns that the session ended elsewhere (lib/offline/session-check.ts).
 */
export async function forgetOnSignOut(nextOwner: string | null = null): Promise<void> {
  await downloads().stopAll();
  await forgetUserData();
  await writeOwner(nextOwner);
  downloads().reset();
}

export function describeSpeed(bytesPerSecond: number | null): string {
  return bytesPerSecond === null ? "" : `${formatBytes(Math.round(bytesPerSecond))}/s`;
}
