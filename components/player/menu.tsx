"use client";

import { useEffect, useRef } from "react";

export type MenuGroup = {
  label: string;
  options: { key: string; label: string; checked: boolean; onSelect(): void }[];
};

/** A popover of radio groups above the control bar; closes on Escape or an outside press. */
export function Menu({ label, groups, onClose }: { label: string; groups: MenuGroup[]; onClose(): void }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.querySelector<HTMLElement>('[aria-checked="true"]')?.focus();
    const onDown = (e: PointerEvent) => {
      const target = e.target as Element;
      if (!ref.current?.contains(target) && !target.closest("[data-menu-button]")) onClose();
    };
    document.addEventListener("pointerdown", onDown);
    return () => document.removeEventListener("pointerdown", onDown);
  }, [onClose]);

  const onKeyDown = (e: React.KeyboardEvent) => {
    if (e.key === "Escape") {
      e.stopPropagation();
      onClose();
      return;
    }
    if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
    e.preventDefault();
    e.stopPropagation();
    const items = [...(ref.current?.querySelectorAll<HTMLElement>('[role="menuitemradio"]') ?? [])];
    const at = items.indexOf(document.activeElement as HTMLElement);
    items[(at + (e.key === "ArrowDown" ? 1 : -1) + items.length) % items.length]?.focus();
  };

  return (
    <div
      ref={ref}
      role="menu"
      aria-label={label}
      onKeyDown={onKeyDown}
      className="absolute right-2 bottom-full z-20 mb-2 max-h-[min(20rem,70vh)] w-48 overflow-y-auto rounded-lg bg-neutral-900/95 py-1 text-sm shadow-xl ring-1 ring-white/10"
    >
      {groups.map((group) => (
        <div key={group.label} role="group" aria-label={group.label} className="py-1">
          <div className="px-3 py-1 text-xs font-semibold tracking-wide text-muted uppercase">{group.label}</div>
          {group.options.map((option) => (
            <button
              key={option.key}
              type="button"
              role="menuitemradio"
              aria-checked={option.checked}
              onClick={() => {
                option.onSelect();
                onClose();
              }}
              className="flex min-h-11 w-full items-center gap-2 px-3 text-left hover:bg-white/10 focus:bg-white/10 focus:outline-none"
            >
              <span className="w-4 text-accent">{option.checked ? "✓" : ""}</span>
              {option.label}
            </button>
          ))}
        </div>
      ))}
    </div>
  );
}
