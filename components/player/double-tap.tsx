import { useCallback, useEffect, useRef, useState } from "react";

/** Two taps closer than this make a double tap (the usual platform delay). */
export const DOUBLE_TAP_MS = 300;
export const DOUBLE_TAP_SECONDS = 10;

export type TapZone = "back" | "middle" | "forward";

/** Left third seeks back, right third forward (as on YouTube); the middle keeps single-tap behaviour. */
export function tapZone(x: number, width: number): TapZone {
  if (width <= 0) return "middle";
  if (x < width / 3) return "back";
  if (x > (width * 2) / 3) return "forward";
  return "middle";
}

export type Ripple = { zone: Exclude<TapZone, "middle">; seconds: number; key: number };

/**
 * Clicks and taps on the picture: a single touch tap does `single(true)` (after the double-tap delay, so that the first tap of a double
 * tap does not also pause); double taps on the side thirds call `seekBy(∓10)`, and every further quick tap adds 10 s
 * more, as on YouTube. Mouse clicks are not delayed: they go straight to `single(false)`.
 */
export function useDoubleTapSeek(seekBy: (seconds: number) => void, single: (touch: boolean) => void) {
  const last = useRef<{ at: number; zone: TapZone } | null>(null);
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);
  const [ripple, setRipple] = useState<Ripple | null>(null);

  useEffect(() => () => void (pending.current && clearTimeout(pending.current)), []);
  useEffect(() => {
    if (!ripple) return;
    const timer = setTimeout(() => setRipple(null), 700);
    return () => clearTimeout(timer);
  }, [ripple]);

  const onTap = useCallback(
    (e: MouseEvent) => {
      if ((e as PointerEvent).pointerType !== "touch") return single(false);
      const rect = (e.currentTarget as HTMLElement).getBoundingClientRect();
      const zone = tapZone(e.clientX - rect.left, rect.width);
      const now = e.timeStamp;
      const previous = last.current;
      last.current = { at: now, zone };
      if (zone !== "middle" && previous && previous.zone === zone && now - previous.at < DOUBLE_TAP_MS) {
        if (pending.current) clearTimeout(pending.current);
        pending.current = null;
        const seconds = zone === "back" ? -DOUBLE_TAP_SECONDS : DOUBLE_TAP_SECONDS;
        seekBy(seconds);
        setRipple((r) => ({ zone, seconds: r && r.zone === zone ? r.seconds + Math.abs(seconds) : Math.abs(seconds), key: now }));
        return;
      }
      if (pending.current) clearTimeout(pending.current);
      if (zone === "middle") {
        pending.current = null;
        return single(true);
      }
      pending.current = setTimeout(() => {
        pending.current = null;
        single(true);
      }, DOUBLE_TAP_MS);
    },
    [seekBy, single],
  );

  /** A double click that was really a double tap on a side (browsers send both): it seeks, it does not go full screen. */
  const sideDoubleTap = useCallback((e: MouseEvent) => {
    const previous = last.current;
    return previous !== null && previous.zone !== "middle" && e.timeStamp - previous.at < DOUBLE_TAP_MS;
  }, []);

  return { onTap, ripple, sideDoubleTap };
}

/** The visible answer to a double tap: a ripple over that side, with how far it went. */
export function SeekRipple({ ripple }: { ripple: Ripple | null }) {
  if (!ripple) return null;
  const back = ripple.zone === "back";
  return (
    <div
      key={ripple.key}
      data-testid="seek-ripple"
      aria-hidden="true"
      className={`pointer-events-none absolute inset-y-0 flex w-1/3 animate-pulse items-center justify-center bg-white/15 text-sm font-semibold text-white ${back ? "left-0 rounded-r-[50%]" : "right-0 rounded-l-[50%]"}`}
    >
      {back ? `« ${ripple.seconds} s` : `${ripple.seconds} s »`}
    </div>
  );
}
