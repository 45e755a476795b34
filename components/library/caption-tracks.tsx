"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { CaptionUpload } from "@/components/upload/caption-upload";

export type CaptionTrack = { id: string; label: string; lang: string; origin: "embedded" | "upload" };

/** The caption tracks of a video on its edit page: remove one (DELETE), or add one (the upload page's control). */
export function CaptionTracks({ videoId, tracks }: { videoId: string; tracks: CaptionTrack[] }) {
  const router = useRouter();
  const [state, setState] = useState<{ busy: string | null; error: string | null }>({ busy: null, error: null });

  const remove = async (track: CaptionTrack) => {
    setState({ busy: track.id, error: null });
    const res = await fetch(`/api/videos/${videoId}/captions/${track.id}`, { method: "DELETE" }).catch(() => null);
    if (res?.ok) {
      setState({ busy: null, error: null });
      router.refresh();
      return;
    }
    const body = await res?.json().catch(() => null);
    setState({ busy: null, error: body?.error?.message ?? "The connection to the server was lost" });
  };

  return (
    <section aria-labelledby="captions-heading" className="mt-10 grid gap-3">
      <h2 id="captions-heading" className="text-lg font-semibold">
        Captions
      </h2>
      {tracks.length === 0 ? (
        <p className="text-sm text-muted">No caption track yet.</p>
      ) : (
        <ul className="divide-y divide-line overflow-hidden rounded-xl border border-line bg-panel">
          {tracks.map((track) => (
            <li key={track.id} className="flex items-center justify-between gap-3 p-3" data-testid="caption-track">
              <span className="min-w-0 truncate">
                {track.label} <span className="text-sm text-muted">· {track.lang} · {track.origin === "embedded" ? "from the file" : "uploaded"}</span>
              </span>
              <Button variant="secondary" size="sm" disabled={state.busy !== null} onClick={() => void remove(track)} aria-label={`Remove ${track.label}`}>
                {state.busy === track.id ? "Removing…" : "Remove"}
              </Button>
            </li>
          ))}
        </ul>
      )}
      {state.error && (
        <p role="alert" className="text-sm text-danger">
          {state.error}
        </p>
      )}
      <CaptionUpload videoId={videoId} onAdded={() => router.refresh()} />
    </section>
  );
}
