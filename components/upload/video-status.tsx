"use client";

import Link from "next/link";
import { useEffect, useState } from "react";
import { formatEta } from "@/lib/uploads/format";
import { CaptionUpload } from "./caption-upload";

type VideoSummary = {
  status: "uploaded" | "probing" | "playable" | "processing" | "ready" | "failed" | "missing";
  progress?: { step?: string; percent?: number; etaSeconds?: number } | null;
  failureReason?: string | null;
};

const LABELS: Record<VideoSummary["status"], string> = {
  uploaded: "Waiting to be processed",
  probing: "Checking the file",
  playable: "Playable now; preparing all qualities",
  processing: "Playable now; preparing all qualities",
  ready: "Ready",
  failed: "Failed",
  missing: "Source file missing",
};
const POLL_MS = 2000;

/** The processing state of a finished upload, polled until the video is ready or failed. */
export function VideoStatus({ videoId }: { videoId: string }) {
  const [video, setVideo] = useState<VideoSummary | null>(null);
  const [lost, setLost] = useState(false);

  useEffect(() => {
    let stop = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const res = await fetch(`/api/videos/${videoId}`, { cache: "no-store" });
        if (res.ok) {
          const next = (await res.json()) as VideoSummary;
          setVideo(next);
          setLost(false);
          if (next.status === "ready" || next.status === "failed") return;
        }
      } catch {
        setLost(true);
      }
      if (!stop) timer = setTimeout(poll, POLL_MS);
    };
    void poll();
    return () => {
      stop = true;
      clearTimeout(timer);
    };
  }, [videoId]);

  const percent = video?.progress?.percent;
  const playable = video && ["playable", "processing", "ready"].includes(video.status);
  return (
    <div className="mt-2 space-y-2 text-sm" data-testid="video-status" data-status={video?.status ?? "unknown"}>
      <p className={video?.status === "failed" ? "text-danger" : "text-muted"}>
        {video ? LABELS[video.status] : "Waiting for the server…"}
        {video?.status === "processing" && percent !== undefined ? ` · ${Math.round(percent)}%` : ""}
        {video?.status === "processing" && video.progress?.etaSeconds ? ` · ${formatEta(video.progress.etaSeconds)} left` : ""}
        {lost ? " (reconnecting…)" : ""}
      </p>
      {video?.status === "failed" && video.failureReason ? (
        <p className="text-danger" data-testid="failure-reason">
          {video.failureReason}
        </p>
      ) : null}
      <div className="flex flex-wrap items-center gap-3">
        <Link href={`/watch/${videoId}`} className="font-medium text-accent-text underline-offset-2 hover:underline" data-testid="video-link">
          {playable ? "Watch" : "Open the video page"}
        </Link>
        {video && video.status !== "failed" ? <CaptionUpload videoId={videoId} /> : null}
      </div>
    </div>
  );
}
