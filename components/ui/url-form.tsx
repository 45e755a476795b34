"use client";

import { Button } from "./button";

/** One URL field and its button: pasting a link to import (upload page) or to play (Play a link). */
export function UrlForm({
  url,
  onUrl,
  onSubmit,
  busy,
  label,
  placeholder,
  action,
  testId,
}: {
  url: string;
  onUrl: (url: string) => void;
  onSubmit: (event: React.FormEvent<HTMLFormElement>) => void;
  busy: boolean;
  label: string;
  placeholder: string;
  action: string;
  testId?: string;
}) {
  return (
    <form onSubmit={onSubmit} className="flex flex-wrap gap-2" data-testid={testId}>
      <input
        type="url"
        required
        value={url}
        onChange={(e) => onUrl(e.target.value)}
        placeholder={placeholder}
        aria-label={label}
        className="block min-h-11 min-w-0 flex-1 rounded-lg border border-line bg-panel-2 px-3 text-base text-fg placeholder:text-muted/70 hover:border-line-strong focus-visible:border-focus sm:text-sm"
      />
      <Button type="submit" disabled={busy}>
        {busy ? "Checking…" : action}
      </Button>
    </form>
  );
}
