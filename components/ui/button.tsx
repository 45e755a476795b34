import Link from "next/link";
import type { ComponentProps } from "react";
import { cx } from "./cx";

export type ButtonVariant = "primary" | "secondary" | "ghost" | "danger";
export type ButtonSize = "md" | "sm" | "icon";

const variants: Record<ButtonVariant, string> = {
  primary: "bg-accent text-white hover:bg-accent-hover",
  secondary: "border border-line-strong bg-panel-2 text-fg hover:border-muted hover:bg-line",
  ghost: "text-fg hover:bg-panel-2",
  danger: "border border-danger/50 bg-danger-bg text-danger hover:border-danger hover:bg-danger/15",
};

// Every size keeps a 44 px target for touch; "sm" is more compact only under a mouse or stylus.
const sizes: Record<ButtonSize, string> = {
  md: "min-h-11 px-4 text-sm",
  sm: "min-h-11 px-3 text-xs pointer-fine:min-h-9",
  icon: "size-11",
};

export type ButtonStyle = { variant?: ButtonVariant; size?: ButtonSize; block?: boolean };

export function buttonClasses({ variant = "primary", size = "md", block = false }: ButtonStyle = {}) {
  return cx(
    "inline-flex shrink-0 items-center justify-center gap-2 rounded-lg font-medium whitespace-nowrap transition-colors",
    "disabled:cursor-not-allowed disabled:opacity-60 aria-disabled:cursor-not-allowed aria-disabled:opacity-60",
    variants[variant],
    sizes[size],
    block && "w-full",
  );
}

export function Button({ variant, size, block, className, type = "button", ...props }: ComponentProps<"button"> & ButtonStyle) {
  return <button type={type} className={cx(buttonClasses({ variant, size, block }), className)} {...props} />;
}

export function ButtonLink({ variant, size, block, className, ...props }: ComponentProps<typeof Link> & ButtonStyle) {
  return <Link className={cx(buttonClasses({ variant, size, block }), className)} {...props} />;
}
