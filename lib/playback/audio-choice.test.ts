import { describe, expect, it } from "vitest";
import { preferredAudioTrack } from "./audio-choice";

const tracks = [
  { language: "en", default: false },
  { language: "fr", default: true },
  { language: "pt-BR", default: false },
  { language: null, default: false },
];

describe("the audio track a player starts with", () => {
  it("takes the browser's language when a track speaks it, in the viewer's order of preference", () => {
    expect(preferredAudioTrack(tracks, ["fr-CA", "en"])).toBe(1);
    expect(preferredAudioTrack(tracks, ["de", "en-GB"])).toBe(0);
    expect(preferredAudioTrack(tracks, ["PT-br"])).toBe(2);
    expect(preferredAudioTrack(tracks, ["pt-PT"])).toBe(2);
  });

  it("prefers the exact tag to the language alone", () => {
    expect(preferredAudioTrack([{ language: "pt", default: true }, { language: "pt-BR", default: false }], ["pt-BR"])).toBe(1);
  });

  it("falls back to the source's default, then to the first track", () => {
    expect(preferredAudioTrack(tracks, ["ja", "de"])).toBe(1);
    expect(preferredAudioTrack(tracks, [])).toBe(1);
    expect(preferredAudioTrack([{ language: null, default: false }, { language: "es", default: false }], ["it"])).toBe(0);
    expect(preferredAudioTrack([], ["en"])).toBe(-1);
  });
});
