"use client";

import type { ReactNode } from "react";
import { usePopover } from "@/components/ui/use-popover";
import { cx } from "@/components/ui/cx";

/**
 * A button of the watch page's action row (Share, Download) and the panel it opens below it. `onOpen` runs as the
 * panel opens (to read what it shows at that moment).
 */
export function ActionPopover({
  icon,
  label,
  panelLabel,
  testId,
  panelTestId,
  panelClassName,
  onOpen,
  children,
}: {
  icon: string;
  label: string;
  panelLabel: string;
  testId: string;
  panelTestId: string;
  panelClassName: string;
  onOpen: () => void;
  children: ReactNode;
}) {
  const { open, container, panelId, buttonProps } = usePopover();
  return (
    <div ref={container} className="relative">
      <button
        {...buttonProps}
        onClick={() => {
          if (!open) onOpen();
          buttonProps.onClick();
        }}
        data-testid={testId}
        className="inline-flex min-h-11 items-center gap-1.5 rounded-lg border border-line bg-panel-2 px-3 text-sm hover:border-line-strong pointer-fine:min-h-9"
      >
        <span aria-hidden>{icon}</span> {label}
      </button>
      {open && (
        <div id={panelId} role="group" aria-label={panelLabel} className={cx("absolute right-0 z-30 mt-2 rounded-xl border border-line bg-panel shadow-xl", panelClassName)} data-testid={panelTestId}>
          {children}
        </div>
      )}
    </div>
  );
}
