/**
 * Alternate audio: a source with two or more audio streams (a film with English and French) gets each one as an HLS
 * audio rendition shared by every video rung, instead of the first one muxed into each rung. Pure.
 *
 * Language and title come from the source's tags, which the uploader wrote: they are checked here before they reach
 * a playlist (LANGUAGE must be a language tag, NAME a quoted string without quotes or line breaks).
 */

/** What the probe knows of one audio stream (lib/ffmpeg/probe.ts). */
export type AudioTrackSource = { index: number; language?: string; title?: string; default?: boolean };

export type AudioRendition = {
  /** The source's stream index (`-map 0:<index>`). */
  index: number;
  /** Folder in the ladder: `hls/a<n>/`. */
  folder: string;
  /** A canonical BCP 47 tag (`en`, `fr`, `pt-BR`); absent when the source says none or nothing valid. */
  language?: string;
  /** Unique within the video. */
  name: string;
  /** Exactly one rendition is the default: the source's default stream, else the first. */
  default: boolean;
};

const MAX_NAME = 60;
/** ISO 639-2 codes that name no language (undetermined, multiple, none). */
const NO_LANGUAGE = new Set(["und", "mul", "zxx", "mis"]);
const LANGUAGE_TAG = /^[a-z]{2,3}(-[a-z0-9]{1,8})*$/i;

/** The source's language tag as BCP 47 (ffprobe reports ISO 639-2: `eng` becomes `en`, `fre` and `fra` `fr`). */
export function languageTag(raw: string | undefined): string | undefined {
  const tag = raw?.trim();
  if (!tag || !LANGUAGE_TAG.test(tag) || NO_LANGUAGE.has(tag.toLowerCase())) return undefined;
  try {
    return Intl.getCanonicalLocales(tag)[0];
  } catch {
    return undefined;
  }
}

/** The language's English name (`fr` → `French`), or undefined when the runtime knows none. */
function languageName(tag: string): string | undefined {
  try {
    const name = new Intl.DisplayNames(["en"], { type: "language", fallback: "none" }).of(tag);
    return name && name !== tag ? name : undefined;
  } catch {
    return undefined;
  }
}

function cleanTitle(raw: string | undefined): string | undefined {
  // Control characters (line breaks included) and quotes would end the attribute or the playlist line.
  const title = raw?.replace(/[\u0000-\u001f\u007f-\u009f"]/g, " ").replace(/\s+/g, " ").trim();
  return title ? [...title].slice(0, MAX_NAME).join("").trim() : undefined;
}

/** The audio renditions of a source: none unless it has two or more audio streams (one stays muxed in every rung). */
export function planAudioRenditions(tracks: readonly AudioTrackSource[]): AudioRendition[] {
  if (tracks.length < 2) return [];
  const defaultAt = Math.max(0, tracks.findIndex((t) => t.default));
  const taken = new Set<string>();
  return tracks.map((track, i) => {
    const language = languageTag(track.language);
    let name = cleanTitle(track.title) ?? (language && languageName(language)) ?? `Track ${i + 1}`;
    if (taken.has(name.toLowerCase())) name = `${name} (${i + 1})`;
    taken.add(name.toLowerCase());
    return { index: track.index, folder: `a${i}`, ...(language && { language }), name, default: i === defaultAt };
  });
}
