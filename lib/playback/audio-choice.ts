/** Which alternate audio track a player starts with. Pure; runs in the browser. */

type Track = { language: string | null; default: boolean };

function primary(tag: string): string {
  return tag.toLowerCase().split("-")[0];
}

/**
 * The track to start with: the first of the browser's languages (navigator.languages, in the viewer's order) that a
 * track speaks, the exact tag (`pt-BR`) before the language alone (`pt`); else the source's default track; else the
 * first. -1 when there are no tracks.
 */
export function preferredAudioTrack(tracks: readonly Track[], browserLanguages: readonly string[]): number {
  if (tracks.length === 0) return -1;
  for (const wanted of browserLanguages) {
    const exact = tracks.findIndex((t) => t.language?.toLowerCase() === wanted.toLowerCase());
    if (exact >= 0) return exact;
    const same = tracks.findIndex((t) => t.language !== null && primary(t.language) === primary(wanted));
    if (same >= 0) return same;
  }
  return Math.max(0, tracks.findIndex((t) => t.default));
}
