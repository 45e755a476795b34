import type { EngineMode } from "./types";

const PROGRESS_EVERY_MS = 5_000;
const QOE_EVERY_MS = 30_000;
/** A view counts after this much real playback. */
const VIEW_AFTER_SECONDS = 5;

type Options = { videoId: string; saveProgress: boolean; mode: EngineMode; progressUrl?: string };

function send(url: string, method: "PUT" | "POST", body: unknown, keepalive = false) {
  // keepalive lets the request outlive the page on pagehide, and (unlike sendBeacon) keeps PUT and JSON.
  return fetch(url, {
    method,
    keepalive,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: "same-origin",
  }).catch(() => undefined);
}

/**
 * Watches one playback session on a video element: saves the position (every few seconds, on pause and on page
 * hide), counts a view after a few seconds of real playback, and reports playback quality to /api/qoe.
 */
export class PlaybackReporter {
  readonly sessionId = crypto.randomUUID();
  private startupMs: number | null = null;
  private stallCount = 0;
  private stallMs = 0;
  private stallStartedAt: number | null = null;
  private qualitySwitches = 0;
  private lastHeight: number | null = null;
  private fatalError: string | null = null;
  private watchedSeconds = 0;
  private lastTick: number | null = null;
  private seeking = false;
  private viewSent = false;
  private lastProgressAt = 0;
  private lastQoeAt = 0;
  private qoeTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly cleanup: (() => void)[] = [];

  constructor(
    private readonly video: HTMLVideoElement,
    private readonly options: Options,
  ) {
    const on = <K extends keyof HTMLMediaElementEventMap>(type: K, fn: () => void) => {
      video.addEventListener(type, fn);
      this.cleanup.push(() => video.removeEventListener(type, fn));
    };
    on("playing", () => {
      this.endStall();
      this.lastTick = performance.now();
    });
    on("waiting", () => {
      if (this.startupMs !== null && !this.seeking && this.stallStartedAt === null) this.stallStartedAt = performance.now();
      this.tick(false);
    });
    on("seeking", () => {
      this.seeking = true;
      this.tick(false);
    });
    on("seeked", () => {
      this.seeking = false;
    });
    on("timeupdate", () => this.tick(true));
    on("pause", () => {
      this.tick(false);
      this.saveProgress(false);
    });
    on("ended", () => this.saveProgress(false));

    const onHide = () => {
      if (document.visibilityState === "hidden") this.flush();
    };
    const onPageHide = () => this.flush();
    document.addEventListener("visibilitychange", onHide);
    window.addEventListener("pagehide", onPageHide);
    this.cleanup.push(() => {
      document.removeEventListener("visibilitychange", onHide);
      window.removeEventListener("pagehide", onPageHide);
    });
  }

  set mode(mode: EngineMode) {
    this.options.mode = mode;
  }

  firstFrame(startupMs: number) {
    if (this.startupMs !== null) return;
    this.startupMs = Math.max(0, Math.round(startupMs));
    this.reportQoe(false);
  }

  levelSwitched(height: number) {
    if (this.lastHeight !== null && height !== this.lastHeight) this.qualitySwitches++;
    this.lastHeight = height;
  }

  fatal(message: string) {
    this.fatalError ??= message.slice(0, 500);
    this.reportQoe(false);
  }

  /** Final reports when the player goes away (navigation inside the app, or the page is hidden). */
  flush() {
    this.tick(false);
    this.saveProgress(true);
    this.reportQoe(true);
  }

  dispose() {
    this.flush();
    if (this.qoeTimer) clearTimeout(this.qoeTimer);
    for (const fn of this.cleanup) fn();
  }

  private endStall() {
    if (this.stallStartedAt === null) return;
    this.stallCount++;
    this.stallMs += Math.round(performance.now() - this.stallStartedAt);
    this.stallStartedAt = null;
  }

  private tick(playing: boolean) {
    const now = performance.now();
    if (this.lastTick !== null && !this.video.paused && !this.seeking && this.stallStartedAt === null) {
      // Bounded so a throttled background tab or a long GC pause does not count as watching.
      this.watchedSeconds += Math.min(now - this.lastTick, 1000) / 1000;
    }
    this.lastTick = playing ? now : null;
    if (!playing) return;
    if (!this.viewSent && !this.options.progressUrl && this.watchedSeconds >= VIEW_AFTER_SECONDS) {
      this.viewSent = true;
      void send(`/api/videos/${this.options.videoId}/view`, "POST", { watchedSeconds: this.watchedSeconds });
    }
    if (now - this.lastProgressAt >= PROGRESS_EVERY_MS) this.saveProgress(false);
    if (this.startupMs !== null && now - this.lastQoeAt >= QOE_EVERY_MS) this.reportQoe(false);
  }

  private saveProgress(keepalive: boolean) {
    if (!this.options.saveProgress || this.startupMs === null) return;
    const position = this.video.currentTime;
    const duration = Number.isFinite(this.video.duration) ? this.video.duration : null;
    if (!Number.isFinite(position)) return;
    this.lastProgressAt = performance.now();
    void send(this.options.progressUrl ?? `/api/videos/${this.options.videoId}/progress`, "PUT", { position, duration }, keepalive);
  }

  private reportQoe(keepalive: boolean) {
    if ((this.startupMs === null && this.fatalError === null) || this.options.progressUrl) return;
    const now = performance.now();
    // The server refuses a session's reports less than a second apart: defer rather than lose one.
    if (!keepalive && now - this.lastQoeAt < 1100) {
      this.qoeTimer ??= setTimeout(() => {
        this.qoeTimer = null;
        this.reportQoe(false);
      }, 1100);
      return;
    }
    this.lastQoeAt = now;
    const quality = this.video.getVideoPlaybackQuality?.();
    const ongoingStall = this.stallStartedAt === null ? 0 : now - this.stallStartedAt;
    void send(
      "/api/qoe",
      "POST",
      {
        sessionId: this.sessionId,
        videoId: this.options.videoId,
        mode: this.options.mode,
        startupMs: this.startupMs,
        stallCount: this.stallCount + (ongoingStall ? 1 : 0),
        stallMs: Math.round(this.stallMs + ongoingStall),
        qualitySwitches: this.qualitySwitches,
        droppedFrames: quality?.droppedVideoFrames ?? 0,
        watchedSeconds: Math.round(this.watchedSeconds * 10) / 10,
        lastHeight: this.video.videoHeight || this.lastHeight,
        fatalError: this.fatalError,
      },
      keepalive,
    );
  }
}
