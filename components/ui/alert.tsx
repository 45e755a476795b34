import type { ComponentProps, ReactNode } from "react";
import { cx } from "./cx";

export type AlertTone = "error" | "success" | "info" | "warning";

const tones: Record<AlertTone, string> = {
  error: "border-danger/50 bg-danger-bg text-danger",
  success: "border-success/40 bg-success-bg text-success",
  info: "border-info/40 bg-info-bg text-info",
  warning: "border-warning/40 bg-warning-bg text-warning",
};

/** A message box; errors are announced at once (role=alert), the rest politely (role=status). */
export function Alert({ tone = "info", title, className, children, ...props }: ComponentProps<"div"> & { tone?: AlertTone; title?: ReactNode }) {
  return (
    <div role={tone === "error" ? "alert" : "status"} className={cx("rounded-lg border px-4 py-3 text-sm", tones[tone], className)} {...props}>
      {title && <p className="font-semibold">{title}</p>}
      {children && <div className={cx(title && "mt-1", "text-fg/90")}>{children}</div>}
    </div>
  );
}
