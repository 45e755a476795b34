"use client";

import { useState } from "react";
import { Button, type ButtonStyle } from "./button";

/** Copies `value` to the clipboard and says so (to screen readers too). */
export function CopyButton({ value, label = "Copy", ...style }: { value: string; label?: string } & ButtonStyle) {
  const [copied, setCopied] = useState<"yes" | "failed" | null>(null);
  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
      setCopied("yes");
    } catch {
      // Clipboard access needs a secure context (https or localhost); the value stays selectable on screen.
      setCopied("failed");
    }
    setTimeout(() => setCopied(null), 2000);
  }
  return (
    <Button variant="secondary" {...style} onClick={copy}>
      <span aria-live="polite">{copied === "yes" ? "Copied" : copied === "failed" ? "Copy failed: select it" : label}</span>
    </Button>
  );
}
