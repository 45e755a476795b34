export type PlayerAction =
  | { type: "toggle-play" }
  | { type: "seek-by"; seconds: number }
  | { type: "seek-to-fraction"; fraction: number }
  | { type: "volume-by"; delta: number }
  | { type: "toggle-mute" }
  | { type: "toggle-fullscreen" }
  | { type: "toggle-captions" };

/** The player's keyboard map (YouTube's, which people already know). Modified keys are left to the browser. */
export function actionForKey(event: { key: string; ctrlKey?: boolean; metaKey?: boolean; altKey?: boolean }): PlayerAction | null {
  if (event.ctrlKey || event.metaKey || event.altKey) return null;
  const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
  switch (key) {
    case " ":
    case "k":
      return { type: "toggle-play" };
    case "j":
      return { type: "seek-by", seconds: -10 };
    case "l":
      return { type: "seek-by", seconds: 10 };
    case "ArrowLeft":
      return { type: "seek-by", seconds: -5 };
    case "ArrowRight":
      return { type: "seek-by", seconds: 5 };
    case "ArrowUp":
      return { type: "volume-by", delta: 0.05 };
    case "ArrowDown":
      return { type: "volume-by", delta: -0.05 };
    case "f":
      return { type: "toggle-fullscreen" };
    case "m":
      return { type: "toggle-mute" };
    case "c":
      return { type: "toggle-captions" };
    default:
      return /^[0-9]$/.test(key) ? { type: "seek-to-fraction", fraction: Number(key) / 10 } : null;
  }
}

/**
 * "1:05", "1:02:05": a position or a duration, in the player and on video cards alike. Whole seconds are floored
 * as the player's clock counts them, so a 59.6 s video reads "0:59" on its card and at its end in the player.
 */
export function formatTime(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) seconds = 0;
  const s = Math.floor(seconds % 60);
  const m = Math.floor((seconds / 60) % 60);
  const h = Math.floor(seconds / 3600);
  const ss = String(s).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
}
