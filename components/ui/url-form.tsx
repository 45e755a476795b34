"use client";

import { useState } from "react";
import { Button } from "./button";

/**
 * The state behind a UrlForm that sends `{ url }` to `endpoint` (POST, JSON): `onAnswer` gets the server's answer (and
 * `clear` to empty the field); a refusal, in the words `readError` finds, or a lost connection goes to `error`, which
 * the caller shows and may set itself.
 */
export function useUrlForm<T>(endpoint: string, readError: (res: Response) => Promise<string>, onAnswer: (answer: T, clear: () => void) => void) {
  const [url, setUrl] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function onSubmit(event: React.FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const res = await fetch(endpoint, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ url }) });
      if (!res.ok) setError(await readError(res));
      else onAnswer((await res.json()) as T, () => setUrl(""));
    } catch {
      setError("The connection to the server was lost");
    } finally {
      setBusy(false);
    }
  }

  return { form: { url, onUrl: setUrl, onSubmit, busy }, error, setError };
}

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
