import { describe, expect, it } from "vitest";
import { languageTag, planAudioRenditions } from "./audio-tracks";

describe("alternate audio renditions", () => {
  it("are made only for two or more audio streams", () => {
    expect(planAudioRenditions([])).toEqual([]);
    expect(planAudioRenditions([{ index: 1, language: "eng", default: true }])).toEqual([]);
  });

  it("take language and title from the source's tags, one default, names unique", () => {
    expect(
      planAudioRenditions([
        { index: 1, language: "eng", title: "English" },
        { index: 2, language: "fre", default: true },
        { index: 3, language: "und", title: "English" },
        { index: 5 },
      ]),
    ).toEqual([
      { index: 1, folder: "a0", language: "en", name: "English", default: false },
      { index: 2, folder: "a1", language: "fr", name: "French", default: true },
      { index: 3, folder: "a2", name: "English (3)", default: false },
      { index: 5, folder: "a3", name: "Track 4", default: false },
    ]);
  });

  it("keeps hostile tags out of the playlist: no quotes, line breaks or bogus language tags", () => {
    const [a, b] = planAudioRenditions([
      { index: 1, language: 'en",URI="x', title: 'Evil"\n#EXT-X-ENDLIST\r,URI="http://x"' },
      { index: 2, language: "fr-CA", title: "x".repeat(200) },
    ]);
    expect(a.language).toBeUndefined();
    expect(a.name).toBe("Evil #EXT-X-ENDLIST ,URI= http://x");
    expect(b).toMatchObject({ language: "fr-CA", name: "x".repeat(60) });
    expect(["eng", "ger", "pt-br", "zxx", "", "e", "123", undefined].map(languageTag)).toEqual(["en", "de", "pt-BR", undefined, undefined, undefined, undefined, undefined]);
  });
});
