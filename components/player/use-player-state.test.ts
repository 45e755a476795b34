import { describe, expect, it } from "vitest";
import { controlsShown, initialPlayerState, playerReducer, type PlayerEvent, type PlayerState } from "./use-player-state";

const run = (events: PlayerEvent[], state: PlayerState = initialPlayerState({ startAt: 12, duration: 60 })) => events.reduce(playerReducer, state);

describe("player state", () => {
  it("starts at the resume position with the known duration, paused, controls shown", () => {
    const state = initialPlayerState({ startAt: 12, duration: null });
    expect(state).toMatchObject({ currentTime: 12, duration: 0, playing: false, started: false, level: -1, caption: -1 });
    expect(controlsShown(state)).toBe(true);
  });

  it("takes over an element the early start already set playing, muted by the browser", () => {
    const state = run([{ type: "mounted", volume: 0.4, muted: true, rate: 1.5, playing: true, waiting: false, forcedMute: true }]);
    expect(state).toMatchObject({ volume: 0.4, muted: true, rate: 1.5, playing: true, started: true, waiting: false, needsUnmute: true });
    expect(run([{ type: "unmuted" }], state).needsUnmute).toBe(false);
  });

  it("waits with an element the early start set playing before its first frame, until it plays", () => {
    const state = run([{ type: "mounted", volume: 1, muted: false, rate: 1, playing: true, waiting: true, forcedMute: false }]);
    expect(state).toMatchObject({ playing: true, started: true, waiting: true });
    expect(run([{ type: "waiting", waiting: false }], state).waiting).toBe(false);
  });

  it("hides the controls only while playing with no menu open, and shows them again on pause", () => {
    const hidden = run([{ type: "played" }, { type: "controls", visible: false }]);
    expect(controlsShown(hidden)).toBe(false);
    expect(controlsShown(run([{ type: "menu", menu: "settings" }], hidden))).toBe(true);
    const paused = run([{ type: "paused" }], hidden);
    expect(paused).toMatchObject({ playing: false, started: true, controlsVisible: true });
    expect(controlsShown(paused)).toBe(true);
  });

  it("keeps the chosen level apart from the height the automatic choice plays", () => {
    const state = run([
      { type: "levels", levels: [{ index: 0, height: 360 }, { index: 1, height: 720 }] as PlayerState["levels"] },
      { type: "level-switched", height: 720 },
    ]);
    expect(state).toMatchObject({ level: -1, playingHeight: 720 });
    expect(run([{ type: "level-selected", level: 0 }], state)).toMatchObject({ level: 0, playingHeight: 720 });
  });
});
