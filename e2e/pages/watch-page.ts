import { expect, type Locator, type Response } from "@playwright/test";
import { FIRST_FRAME_PENDING_ATTRIBUTE } from "../../components/player/early/app-scripts";
import { keyframeAtOrBefore, resumePosition } from "../../lib/playback/progress";
import { PageObject } from "./page-object";

/** The watch page and its player, driven the way a viewer would: pointer, menus and keyboard. */
export class WatchPage extends PageObject {
  readonly player = this.page.getByTestId("player");
  readonly video = this.player.locator("video");
  readonly seekBar = this.page.getByTestId("seek-bar");

  private markingPlayback = false;

  async goto(videoId: string) {
    await this.markPlaybackStarts();
    await this.page.goto(`/watch/${videoId}`);
  }

  /**
   * From the next document on, records where playback began: the position when the media element first fired
   * `playing`. A check that reads `currentTime` later races playback, which has moved on by then on a busy machine.
   */
  async markPlaybackStarts() {
    if (this.markingPlayback) return;
    // Media events do not bubble, but a capturing listener on the document sees them.
    await this.page.addInitScript(() =>
      document.addEventListener(
        "playing",
        (event) => performance.mark("test:playing", { detail: (event.target as HTMLMediaElement).currentTime }),
        { capture: true, once: true },
      ),
    );
    this.markingPlayback = true;
  }

  /** The position playback began at in this document (see markPlaybackStarts), once it has begun. */
  playbackStartedAt(): Promise<number> {
    return this.markedPosition("test:playing", 15_000);
  }

  /** The position a test's performance mark recorded in its detail, once the page has made it. */
  private async markedPosition(name: string, timeout?: number): Promise<number> {
    const read = () => this.page.evaluate((mark) => (performance.getEntriesByName(mark)[0] as PerformanceMark | undefined)?.detail as number | undefined, name);
    await expect.poll(read, { timeout }).toEqual(expect.any(Number));
    return (await read())!;
  }

  /**
   * Pauses with the keyboard and waits until the server has stored the paused position; returns it. A periodic save
   * can land between the key press and the pause, so only a save of the position the player stopped at counts.
   */
  async pauseAndSave(videoId: string): Promise<number> {
    const saved: number[] = [];
    const onResponse = (response: Response) => {
      const request = response.request();
      if (request.method() === "PUT" && response.ok() && request.url().includes(`/api/videos/${videoId}/progress`)) saved.push(request.postDataJSON().position);
    };
    this.page.on("response", onResponse);
    try {
      await this.press("k");
      await expect.poll(() => this.media((v) => v.paused)).toBe(true);
      const paused = await this.currentTime();
      await expect.poll(() => saved.some((p) => Math.abs(p - paused) < 0.25)).toBe(true);
      return paused;
    } finally {
      this.page.off("response", onResponse);
    }
  }

  /**
   * Playback in this document (see markPlaybackStarts) began where resuming from `saved` lands by Reel's own rule:
   * a few seconds back, on the keyframe at or before that point.
   */
  async expectResumedFrom(saved: number, duration: number) {
    const expected = keyframeAtOrBefore(resumePosition({ position: saved, duration, finished: false }, duration));
    expect(expected).toBeGreaterThan(0);
    const resumedAt = await this.playbackStartedAt();
    expect(resumedAt).toBeGreaterThanOrEqual(expected - 0.1);
    expect(resumedAt).toBeLessThan(expected + 1);
    return resumedAt;
  }

  /**
   * Presses a seeking shortcut and returns where the seek it started went, read at the media element's `seeking` event:
   * a later read races playback, and on a busy machine hls.js may meanwhile have skipped a hole it had not loaded yet.
   */
  async seekWithKey(key: string): Promise<number> {
    await this.video.evaluate((v: HTMLVideoElement) => {
      performance.clearMarks("test:seeking");
      v.addEventListener("seeking", () => performance.mark("test:seeking", { detail: v.currentTime }), { once: true });
    });
    await this.press(key);
    return this.markedPosition("test:seeking");
  }

  /** Which engine the player took: "hls" (hls.js), "native-hls" or "mp4". */
  engine() {
    return this.player.getAttribute("data-engine");
  }

  /**
   * Whether the page's HTML appended the first segment before the app's scripts ran (components/player/early/) and
   * the element still plays from that same Media Source: hls.js took it over rather than starting again.
   */
  startedEarly() {
    return this.page.evaluate(() => {
      const [mark] = performance.getEntriesByName("reel:first-segment") as PerformanceMark[];
      return !!mark && mark.detail === document.querySelector("video")!.src;
    });
  }

  /**
   * How the app's scripts came to run on a hard load: held back by the web server and loaded by the early start
   * (components/player/early/app-scripts.ts), why then, how many, and whether the player mounted after that.
   */
  appScripts() {
    return this.page.evaluate(() => {
      const [loaded] = performance.getEntriesByName("reel:app-scripts") as PerformanceMark[];
      const [mounted] = performance.getEntriesByName("reel:player-mounted");
      const detail = loaded?.detail as { reason: string; scripts: number } | undefined;
      return detail && { ...detail, mountedAfter: !!mounted && mounted.startTime >= loaded.startTime };
    });
  }

  /**
   * Whether the head's first script held back all but the player until the first frame (lib/server/watch-page.ts),
   * and whether it still does.
   */
  firstFrameGate() {
    return this.page.evaluate((attribute) => ({
      gated: document.head.querySelector("script")?.textContent?.includes(attribute) ?? false,
      pending: document.documentElement.hasAttribute(attribute),
    }), FIRST_FRAME_PENDING_ATTRIBUTE);
  }

  /** Whether the page's HTML appended a first segment at all (whatever the engine did after). */
  appendedEarly() {
    return this.page.evaluate(() => performance.getEntriesByName("reel:first-segment").length === 1);
  }

  media<T>(read: (video: HTMLVideoElement) => T): Promise<T> {
    return this.video.evaluate(read);
  }

  currentTime() {
    return this.media((v) => v.currentTime);
  }

  async waitForPlayback(beyond = 0.5) {
    await expect.poll(() => this.currentTime(), { timeout: 15_000 }).toBeGreaterThan(beyond);
  }

  /** Starts playback muted (browsers let a muted video play without a gesture) and waits until it has gone `beyond`. */
  async playMuted(beyond: number) {
    await this.media((v) => {
      v.muted = true;
      return v.play();
    });
    await this.waitForPlayback(beyond);
  }

  /**
   * Plays from `from` until `seconds` more have played, and checks it is still playing: a check of "keeps playing" that
   * never races the end of a short clip, however long a busy machine took to get here.
   */
  async playsOnFrom(from: number, seconds: number) {
    await this.video.evaluate((v: HTMLVideoElement, at) => {
      v.currentTime = at;
      return v.play();
    }, from);
    await this.waitForPlayback(from + seconds);
    expect(await this.media((v) => v.paused)).toBe(false);
  }

  /** Pauses at `seconds` and waits until the seek has landed (past the whole second before it). */
  async pauseAt(seconds: number) {
    await this.video.evaluate((v: HTMLVideoElement, at) => {
      v.pause();
      v.currentTime = at;
    }, seconds);
    const floor = Math.floor(seconds);
    await expect.poll(() => this.video.evaluate((v: HTMLVideoElement, least) => !v.seeking && v.currentTime > least, floor)).toBe(true);
  }

  /**
   * Opens one of the player's menus the way a viewer does: the pointer moves over the player, which shows the controls,
   * then clicks the menu's button; done once the menu shows its items (read before that render, it would have none).
   * While playing the controls hide again once the pointer rests: on a busy machine that can happen between the move and
   * the click, so both are tried again (the pointer a few pixels off, a real move). A click that landed but was reported
   * late has opened the menu, which is then not clicked shut again.
   */
  private async openMenu(name: string) {
    const button = this.player.getByRole("button", { name, exact: true });
    const menu = this.page.getByRole("menu", { name });
    const shown = menu.getByRole("menuitemradio").first();
    let nudge = 0;
    await expect(async () => {
      if (await shown.isVisible()) return;
      const box = (await this.player.boundingBox())!;
      await this.page.mouse.move(box.x + box.width / 2 + (nudge++ % 2) * 8, box.y + box.height / 2);
      await button.click({ timeout: 2_000 });
      await expect(shown).toBeVisible({ timeout: 2_000 });
    }).toPass({ timeout: 20_000 });
    return menu;
  }

  openSettings() {
    return this.openMenu("Settings");
  }

  /** Picks an item; the menu closes then, and is waited for, so that the next one opened is never this one closing. */
  private async choose(menu: Locator, group: string, label: string) {
    await menu.getByRole("group", { name: group }).getByRole("menuitemradio", { name: label }).click();
    await expect(menu).toBeHidden();
  }

  private async dismiss(menu: Locator) {
    await this.page.keyboard.press("Escape");
    await expect(menu).toBeHidden();
  }

  async chooseQuality(label: string) {
    await this.choose(await this.openSettings(), "Quality", label);
  }

  async qualityOptions() {
    const menu = await this.openSettings();
    const labels = await menu.getByRole("group", { name: "Quality" }).getByRole("menuitemradio").allTextContents();
    await this.dismiss(menu);
    return labels.map((l) => l.replace("✓", "").trim());
  }

  openAudioMenu() {
    return this.openMenu("Audio");
  }

  /** The Audio menu's tracks as labelled, and the one checked. */
  async audioOptions() {
    const menu = await this.openAudioMenu();
    const items = menu.getByRole("group", { name: "Audio" }).getByRole("menuitemradio");
    const labels = (await items.allTextContents()).map((l) => l.replace("✓", "").trim());
    const checked = await items.evaluateAll((els) => els.findIndex((e) => e.getAttribute("aria-checked") === "true"));
    await this.dismiss(menu);
    return { labels, checked: checked >= 0 ? labels[checked] : null };
  }

  async chooseAudio(label: string) {
    await this.choose(await this.openAudioMenu(), "Audio", label);
  }

  /** hls.audioTrack as the player last heard it from hls.js (AUDIO_TRACK_SWITCHING). */
  audioTrack() {
    return this.player.getAttribute("data-audio-track");
  }

  /**
   * Waits until the player has mounted and attached its engine: on a hard load the page's HTML starts playback and the
   * app's scripts come after the first frame, so a video that plays does not yet mean controls that answer.
   */
  async interactive() {
    await expect(this.player).not.toHaveAttribute("data-engine", "loading", { timeout: 15_000 });
  }

  /** Keyboard shortcuts act on the page (nothing focused), as when a viewer just watches. */
  async press(key: string) {
    await this.interactive();
    await this.page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await this.page.keyboard.press(key);
  }

  async seekByClick(fraction: number) {
    await this.interactive();
    await this.player.hover();
    const box = (await this.seekBar.boundingBox())!;
    await this.page.mouse.click(box.x + box.width * fraction, box.y + box.height / 2);
  }
}
