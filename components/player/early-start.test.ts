import { afterEach, describe, expect, it } from "vitest";
import { AFTER_VIDEO } from "./early-start";
import { loadPreferences, PREFERENCE_KEYS, SPEEDS } from "./preferences";

/** localStorage as the browser has it: strings, or null when unset. */
function storage(values: Record<string, string>) {
  return { getItem: (key: string) => (key in values ? values[key] : null) };
}

type FakeVideo = { volume: number; muted: boolean; playbackRate: number; defaultPlaybackRate: number; played: number };

/** Runs the page's AFTER_VIDEO script on an element with an MP4 src, as the HTML of an MP4-only title has it. */
function afterVideo(values: Record<string, string>, refuseSound = false): Promise<FakeVideo> {
  const video = {
    volume: 1,
    muted: false,
    playbackRate: 1,
    defaultPlaybackRate: 1,
    played: 0,
    reelForcedMute: undefined as boolean | undefined,
    getAttribute: (name: string) => (name === "src" ? "/media/t/v/mp4/video.mp4" : null),
    addEventListener() {},
    // The first frame is on screen at once.
    requestVideoFrameCallback(shown: (now: number) => void) {
      shown(performance.now());
    },
    play() {
      this.played++;
      if (refuseSound && !this.muted) return Promise.reject(Object.assign(new Error("refused"), { name: "NotAllowedError" }));
      return Promise.resolve();
    },
  };
  const run = new Function("window", "localStorage", "performance", `return (${AFTER_VIDEO});`)({}, storage(values), performance);
  run(video, { keys: PREFERENCE_KEYS, speeds: SPEEDS });
  return new Promise((resolve) => setTimeout(() => resolve(video), 0));
}

describe("the page's HTML starts playback as the player would", () => {
  afterEach(() => {
    delete (globalThis as { window?: unknown }).window;
  });

  const cases: Record<string, string>[] = [
    {},
    { [PREFERENCE_KEYS.volume]: "0.35", [PREFERENCE_KEYS.muted]: "1", [PREFERENCE_KEYS.rate]: "1.5" },
    { [PREFERENCE_KEYS.volume]: "0", [PREFERENCE_KEYS.muted]: "0", [PREFERENCE_KEYS.rate]: "2" },
    { [PREFERENCE_KEYS.volume]: "", [PREFERENCE_KEYS.rate]: "" },
    { [PREFERENCE_KEYS.volume]: "1.5", [PREFERENCE_KEYS.muted]: "yes", [PREFERENCE_KEYS.rate]: "1.1" },
    { [PREFERENCE_KEYS.volume]: "-0.2", [PREFERENCE_KEYS.rate]: "0.25" },
    { [PREFERENCE_KEYS.volume]: "loud", [PREFERENCE_KEYS.rate]: "0.5" },
  ];
  it.each(cases)("with the same volume, mute and speed as loadPreferences() for %o", async (values) => {
    (globalThis as { window?: unknown }).window = { localStorage: storage(values) };
    const expected = loadPreferences();
    const video = await afterVideo(values);
    expect({ volume: video.volume, muted: video.muted, rate: video.playbackRate, defaultRate: video.defaultPlaybackRate }).toEqual({
      volume: expected.volume,
      muted: expected.muted,
      rate: expected.rate,
      defaultRate: expected.rate,
    });
    expect(video.played).toBe(1);
  });

  it("muted, and says so, when the browser refuses sound without a gesture", async () => {
    const video = (await afterVideo({ [PREFERENCE_KEYS.volume]: "0.8" }, true)) as FakeVideo & { reelForcedMute?: boolean };
    expect(video).toMatchObject({ muted: true, volume: 0.8, played: 2, reelForcedMute: true });
  });
});
