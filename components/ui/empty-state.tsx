import type { ReactNode } from "react";
import { cx } from "./cx";

/** What a page shows when it has nothing yet: what is missing, and the one thing to do about it. */
export function EmptyState({ icon, title, description, action, className }: { icon?: ReactNode; title: ReactNode; description?: ReactNode; action?: ReactNode; className?: string }) {
  return (
    <div className={cx("flex flex-col items-center justify-center rounded-xl border border-dashed border-line-strong px-6 py-16 text-center", className)}>
      {icon && (
        <div aria-hidden className="mb-4 flex size-14 items-center justify-center rounded-full bg-panel-2 text-muted [&>svg]:size-7">
          {icon}
        </div>
      )}
      <h2 className="text-lg font-semibold">{title}</h2>
      {description && <p className="mt-2 max-w-md text-sm text-muted">{description}</p>}
      {action && <div className="mt-6">{action}</div>}
    </div>
  );
}
