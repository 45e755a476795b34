import { BANDWIDTH_COOKIE, PLAYER_HEIGHT_COOKIE, blendBandwidth } from "@/lib/playback/start-level";

/** Per-device settings in localStorage (the early start reads them too: components/player/early/start.ts). Reads never throw: storage may be disabled or full. */
export const PREFERENCE_KEYS = { volume: "reel.player.volume", muted: "reel.player.muted", rate: "reel.player.rate", bandwidth: "reel.player.bandwidth" };

function read(key: string): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null;
  }
}
function write(key: string, value: string) {
  try {
    window.localStorage.setItem(key, value);
  } catch {
    // Private mode or quota: the preference just is not remembered.
  }
}

function numberIn(raw: string | null, min: number, max: number): number | null {
  const n = raw === null ? Number.NaN : Number(raw);
  return Number.isFinite(n) && n >= min && n <= max ? n : null;
}

export const SPEEDS = [0.5, 0.75, 1, 1.25, 1.5, 1.75, 2] as const;

export function loadPreferences() {
  const rate = numberIn(read(PREFERENCE_KEYS.rate), 0.5, 2);
  return {
    volume: numberIn(read(PREFERENCE_KEYS.volume), 0, 1) ?? 1,
    muted: read(PREFERENCE_KEYS.muted) === "1",
    rate: rate !== null && (SPEEDS as readonly number[]).includes(rate) ? rate : 1,
  };
}

export function saveVolume(volume: number, muted: boolean) {
  write(PREFERENCE_KEYS.volume, String(Math.round(volume * 100) / 100));
  write(PREFERENCE_KEYS.muted, muted ? "1" : "0");
}

export function saveRate(rate: number) {
  write(PREFERENCE_KEYS.rate, String(rate));
}

export function storedBandwidth(): number | null {
  return numberIn(read(PREFERENCE_KEYS.bandwidth), 1, 1e11);
}

/** Blends this session's measurement into the stored estimate, and mirrors it (with the player height) in cookies for the server's preload choice. */
export function rememberBandwidth(measuredBps: number) {
  if (!(measuredBps > 0)) return;
  const blended = blendBandwidth(storedBandwidth(), measuredBps);
  write(PREFERENCE_KEYS.bandwidth, String(blended));
  setCookie(BANDWIDTH_COOKIE, String(blended));
}

export function rememberPlayerHeight(devicePx: number) {
  if (devicePx > 0) setCookie(PLAYER_HEIGHT_COOKIE, String(Math.round(devicePx)));
}

function setCookie(name: string, value: string) {
  document.cookie = `${name}=${value}; path=/; max-age=${180 * 24 * 3600}; samesite=lax`;
}
