import type { EngineMode } from "./types";

const PROGRESS_EVERY_MS = 5_000;
/** While playing, the report repeats this often, so a stream that stops without a word leaves "playing now" quickly. */
const HEARTBEAT_MS = 5_000;
/** A view counts after this much real playback. */
const VIEW_AFTER_SECONDS = 5;

type Options = { videoId: string; saveProgress: boolean; mode: EngineMode; progressUrl?: string; linkId?: string };
type State = "playing" | "paused" | "ended";

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
 * hide), counts a view after a few seconds of real playback, and reports playback quality to /api/qoe: a start record
 * at once (the player is created when playback is asked for), then on play, pause and end, every HEARTBEAT_MS while
 * playing, and a last one when it goes away. The figures are defined in lib/stats/definitions.ts.
 */
export class PlaybackReporter {
  readonly sessionId = crypto.randomUUID();
  private startupMs: number | null = null;
  private stallCount = 0;
  private stallMs = 0;
  private stallStartedAt: number | null = null;
  private qualitySwitches = 0;
  private lastHeight: number | null = null;
  private bitrateKbps: number | null = null;
  private bitrateKbitSum = 0;
  private upscaledSeconds = 0;
  private maxPosition = 0;
  private state: State = "playing";
  private fatalError: string | null = null;
  private watchedSeconds = 0;
  private lastTick: number | null = null;
  private seeking = false;
  private viewSent = false;
  private lastProgressAt = 0;
  private disposed = false;
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
      this.setState("playing");
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
      // "pause" also fires at the end, just before "ended".
      if (!video.ended) this.setState("paused");
    });
    on("ended", () => {
      this.saveProgress(false);
      this.setState("ended");
    });
    const heartbeat = setInterval(() => {
      if (this.state === "playing") this.reportQoe(false);
    }, HEARTBEAT_MS);
    this.cleanup.push(() => clearInterval(heartbeat));

    const onHide = () => {
      if (document.visibilityState === "hidden") this.flush();
    };
    // The page is going away: its stream stops now, not when its heartbeat is missed.
    const onPageHide = () => {
      if (this.state === "playing") this.state = "paused";
      this.flush();
    };
    document.addEventListener("visibilitychange", onHide);
    window.addEventListener("pagehide", onPageHide);
    this.cleanup.push(() => {
      document.removeEventListener("visibilitychange", onHide);
      window.removeEventListener("pagehide", onPageHide);
    });
    // The start record: the player exists because playback was asked for.
    this.reportQoe(false);
  }

  set mode(mode: EngineMode) {
    this.options.mode = mode;
  }

  firstFrame(startupMs: number) {
    if (this.startupMs !== null) return;
    this.startupMs = Math.max(0, Math.round(startupMs));
    this.reportQoe(false);
  }

  /** A rendition came on screen; bandwidth (bit/s) from the master playlist weighs the average bitrate. */
  levelSwitched(height: number, bandwidth: number | null) {
    this.tick(!this.video.paused);
    if (this.lastHeight !== null && height !== this.lastHeight) this.qualitySwitches++;
    this.lastHeight = height;
    this.bitrateKbps = bandwidth ? bandwidth / 1000 : null;
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
    if (this.state === "playing") this.state = "paused";
    this.flush();
    this.disposed = true;
    for (const fn of this.cleanup) fn();
  }

  private setState(state: State) {
    if (state === this.state) return;
    this.state = state;
    if (this.startupMs !== null) this.reportQoe(false);
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
      const seconds = Math.min(now - this.lastTick, 1000) / 1000;
      this.watchedSeconds += seconds;
      if (this.bitrateKbps) this.bitrateKbitSum += this.bitrateKbps * seconds;
      if (this.upscaled()) this.upscaledSeconds += seconds;
    }
    if (Number.isFinite(this.video.currentTime)) this.maxPosition = Math.max(this.maxPosition, this.video.currentTime);
    this.lastTick = playing ? now : null;
    if (!playing) return;
    if (!this.viewSent && !this.options.linkId && this.watchedSeconds >= VIEW_AFTER_SECONDS) {
      this.viewSent = true;
      void send(`/api/videos/${this.options.videoId}/view`, "POST", { watchedSeconds: this.watchedSeconds });
    }
    if (now - this.lastProgressAt >= PROGRESS_EVERY_MS) this.saveProgress(false);
  }

  /** The picture is stretched: the player shows it larger than it is (Mux: upscaling), in device pixels. */
  private upscaled() {
    const { videoWidth, videoHeight } = this.video;
    if (!videoWidth || !videoHeight) return false;
    const box = this.video.getBoundingClientRect();
    const dpr = window.devicePixelRatio || 1;
    return Math.min((box.width * dpr) / videoWidth, (box.height * dpr) / videoHeight) > 1.01;
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
    if (this.disposed) return;
    const now = performance.now();
    const quality = this.video.getVideoPlaybackQuality?.();
    const ongoingStall = this.stallStartedAt === null ? 0 : now - this.stallStartedAt;
    const dpr = window.devicePixelRatio || 1;
    void send(
      "/api/qoe",
      "POST",
      {
        sessionId: this.sessionId,
        // A link's reports name the link, and its delivery is the proxy whatever engine plays it.
        ...(this.options.linkId ? { linkId: this.options.linkId, mode: "proxied" } : { videoId: this.options.videoId, mode: this.options.mode }),
        state: this.state,
        startupMs: this.startupMs,
        stallCount: this.stallCount + (ongoingStall ? 1 : 0),
        stallMs: Math.round(this.stallMs + ongoingStall),
        qualitySwitches: this.qualitySwitches,
        droppedFrames: quality?.droppedVideoFrames ?? 0,
        watchedSeconds: Math.round(this.watchedSeconds * 10) / 10,
        lastHeight: this.video.videoHeight || this.lastHeight,
        playerHeight: Math.round(this.video.getBoundingClientRect().height * dpr) || null,
        viewport: { width: Math.round(window.innerWidth), height: Math.round(window.innerHeight) },
        upscaledSeconds: Math.round(this.upscaledSeconds * 10) / 10,
        bitrateKbitSum: Math.round(this.bitrateKbitSum),
        maxPosition: Math.round(this.maxPosition * 10) / 10,
        // Leaving (keepalive) before the first frame without an error: an exit before video start.
        exitedBeforeStart: keepalive && this.startupMs === null && this.fatalError === null,
        fatalError: this.fatalError,
      },
      keepalive,
    );
  }
}
