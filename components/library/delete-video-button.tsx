"use client";

import { useRouter } from "next/navigation";
import { useRef, useState } from "react";
import { Button, type ButtonStyle } from "@/components/ui/button";

/** Delete (after a confirmation dialog) through DELETE /api/videos/:id, then on to the catalog. Errors go to onError, else beside the button. */
export function DeleteVideoButton({ videoId, title, disabled, onError, ...style }: { videoId: string; title: string; disabled?: boolean; onError?: (message: string) => void } & ButtonStyle) {
  const router = useRouter();
  const confirm = useRef<HTMLDialogElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const remove = async () => {
    confirm.current?.close();
    setBusy(true);
    const res = await fetch(`/api/videos/${videoId}`, { method: "DELETE" });
    if (!res.ok) {
      setBusy(false);
      const body = await res.json().catch(() => null);
      const message = body?.error?.message ?? `Failed (${res.status})`;
      return onError ? onError(message) : setError(message);
    }
    router.push("/videos");
    router.refresh();
  };

  return (
    <>
      <Button variant="danger" {...style} disabled={disabled || busy} onClick={() => confirm.current?.showModal()}>
        Delete video
      </Button>
      {error && (
        <span role="alert" className="text-sm text-danger">
          {error}
        </span>
      )}
      <dialog ref={confirm} className="m-auto max-w-md rounded-xl border border-line bg-panel p-6 text-fg backdrop:bg-black/70" aria-labelledby={`delete-${videoId}`}>
        <h2 id={`delete-${videoId}`} className="text-lg font-semibold">
          Delete “{title}”?
        </h2>
        <p className="mt-2 text-sm text-muted">Its files, captions and pending jobs are removed. This cannot be undone.</p>
        <div className="mt-5 flex justify-end gap-2">
          <Button variant="ghost" onClick={() => confirm.current?.close()}>
            Cancel
          </Button>
          <Button variant="danger" onClick={remove}>
            Delete
          </Button>
        </div>
      </dialog>
    </>
  );
}
