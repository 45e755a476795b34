"use client";

import { useCallback, useEffect, useId, useRef, useState } from "react";

/**
 * A button and the panel it opens: `buttonProps` toggle it and tie the button to the panel (`panelId`, or a fixed
 * `id`); Escape closes it and returns focus to the button; a press outside `container` closes it. With `openOn`, the
 * panel is open "on" that value and closes by itself when it changes (a menu of links, on the page they lead to).
 */
export function usePopover({ id, openOn = "" }: { id?: string; openOn?: string } = {}) {
  const [openedOn, setOpenedOn] = useState<string | null>(null);
  const open = openedOn === openOn;
  const close = useCallback(() => setOpenedOn(null), []);
  const container = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const generated = useId();
  const panelId = id ?? generated;

  useEffect(() => {
    if (!open) return;
    function onKey(event: KeyboardEvent) {
      if (event.key === "Escape") {
        close();
        button.current?.focus();
      }
    }
    function onPointer(event: PointerEvent) {
      if (container.current && !container.current.contains(event.target as Node)) close();
    }
    document.addEventListener("keydown", onKey);
    document.addEventListener("pointerdown", onPointer);
    return () => {
      document.removeEventListener("keydown", onKey);
      document.removeEventListener("pointerdown", onPointer);
    };
  }, [open, close]);

  const buttonProps = { ref: button, type: "button" as const, "aria-expanded": open, "aria-controls": panelId, onClick: () => setOpenedOn(open ? null : openOn) };
  return { open, close, container, panelId, buttonProps };
}
