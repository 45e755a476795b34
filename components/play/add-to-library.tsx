"use client";

import Link from "next/link";
import { useState } from "react";
import { Button } from "@/components/ui/button";

/** Hands the link to URL import (uploaders); the import then shows on the upload page. */
export function AddToLibrary({ linkId }: { linkId: string }) {
  const [state, setState] = useState<{ kind: "idle" | "busy" | "done" } | { kind: "error"; message: string }>({ kind: "idle" });

  async function add() {
    setState({ kind: "busy" });
    const res = await fetch(`/api/proxy/links/${linkId}/import`, { method: "POST" }).catch(() => null);
    if (res?.ok) return setState({ kind: "done" });
    const body = (await res?.json().catch(() => null)) as { error?: { message?: string } } | null;
    setState({ kind: "error", message: body?.error?.message ?? "The import could not be started" });
  }

  if (state.kind === "done") {
    return (
      <p className="text-sm text-muted" role="status">
        Import started: follow it on the <Link href="/upload" className="underline">upload page</Link>.
      </p>
    );
  }
  return (
    <div className="flex items-center gap-3">
      <Button variant="secondary" size="sm" disabled={state.kind === "busy"} onClick={() => void add()} data-testid="play-add-to-library">
        Add to library
      </Button>
      {state.kind === "error" && (
        <p className="text-sm text-danger" role="alert">
          {state.message}
        </p>
      )}
    </div>
  );
}
