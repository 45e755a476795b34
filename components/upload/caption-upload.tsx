"use client";

import { useId, useState } from "react";
import { buttonClasses } from "@/components/ui/button";

/** Attach a .vtt or .srt file to a video (converted to WebVTT by the server). */
export function CaptionUpload({ videoId, onAdded }: { videoId: string; onAdded?: () => void }) {
  const inputId = useId();
  const [lang, setLang] = useState("");
  const [state, setState] = useState<{ busy: boolean; message: string | null; ok: boolean }>({ busy: false, message: null, ok: false });

  async function send(file: File) {
    setState({ busy: true, message: null, ok: false });
    const form = new FormData();
    form.set("file", file);
    if (lang.trim()) form.set("lang", lang.trim());
    try {
      const res = await fetch(`/api/videos/${videoId}/captions`, { method: "POST", body: form });
      const body = (await res.json().catch(() => null)) as { label?: string; error?: { message?: string } } | null;
      setState(
        res.ok
          ? { busy: false, ok: true, message: `Captions added (${body?.label ?? file.name})` }
          : { busy: false, ok: false, message: body?.error?.message ?? `The server answered HTTP ${res.status}` },
      );
      if (res.ok) onAdded?.();
    } catch {
      setState({ busy: false, ok: false, message: "The connection to the server was lost" });
    }
  }

  return (
    <div className="flex flex-wrap items-center gap-2">
      <input
        aria-label="Caption language"
        placeholder="lang (en)"
        value={lang}
        onChange={(e) => setLang(e.target.value)}
        className="min-h-9 w-24 rounded-lg border border-line bg-panel-2 px-2 text-xs text-fg placeholder:text-muted/70"
      />
      <label htmlFor={inputId} className={buttonClasses({ variant: "secondary", size: "sm" })}>
        {state.busy ? "Adding…" : "Add captions (.vtt, .srt)"}
      </label>
      <input
        id={inputId}
        type="file"
        accept=".vtt,.srt,text/vtt"
        className="sr-only"
        data-testid="caption-input"
        disabled={state.busy}
        onChange={(e) => {
          const file = e.target.files?.[0];
          e.target.value = "";
          if (file) void send(file);
        }}
      />
      {state.message ? <span className={`text-xs ${state.ok ? "text-success" : "text-danger"}`}>{state.message}</span> : null}
    </div>
  );
}
