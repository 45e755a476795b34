"use client";

import type { ComponentProps } from "react";
import { useFormStatus } from "react-dom";
import { Button, type ButtonStyle } from "./button";

/**
 * A form's submit button that shows it is working while the form's action runs; with `confirm`,
 * it asks first (destructive actions).
 */
export function SubmitButton({
  children,
  pendingLabel,
  confirm,
  disabled,
  onClick,
  ...props
}: ComponentProps<"button"> & ButtonStyle & { pendingLabel?: string; confirm?: string }) {
  const { pending } = useFormStatus();
  return (
    <Button
      type="submit"
      disabled={pending || disabled}
      aria-busy={pending || undefined}
      onClick={(event) => {
        if (confirm && !window.confirm(confirm)) event.preventDefault();
        else onClick?.(event);
      }}
      {...props}
    >
      {pending && <span aria-hidden className="size-4 animate-spin rounded-full border-2 border-current border-t-transparent" />}
      {pending && pendingLabel ? pendingLabel : children}
    </Button>
  );
}
