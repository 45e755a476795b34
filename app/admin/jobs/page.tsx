import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageAdmin } from "@/lib/guards/pages";
import { jobsOverview, type JobWithVideo } from "@/lib/videos/jobs-overview";
import { VideoJobButton } from "./job-buttons";
import { LiveRefresh } from "@/components/admin/live-refresh";

export const metadata: Metadata = { title: "Jobs" };
export const dynamic = "force-dynamic";

const JOB_LABELS: Record<string, string> = {
  probe: "Probe",
  faststart: "MP4",
  poster: "Poster",
  "hls-ladder": "HLS ladder",
  storyboard: "Storyboard",
  captions: "Captions",
  "pipeline-dead-letter": "Give up",
};

const time = new Intl.DateTimeFormat("en", { timeStyle: "medium" });
const dateTime = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short" });

function duration(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const m = Math.floor(seconds / 60);
  return m < 60 ? `${m} min ${Math.round(seconds % 60)} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

function VideoLink({ job }: { job: JobWithVideo }) {
  if (!job.video) return <span className="text-muted">deleted video</span>;
  return (
    <Link href={`/watch/${job.video.id}`} className="truncate font-medium hover:underline">
      {job.video.title}
    </Link>
  );
}

function Progress({ job }: { job: JobWithVideo }) {
  const p = job.video?.progress;
  if (!p || p.step !== job.name) return <p className="text-xs text-muted">started {job.startedOn ? time.format(job.startedOn) : "just now"}</p>;
  const percent = Math.max(0, Math.min(100, p.percent));
  return (
    <div className="grid gap-1">
      <div className="h-2 overflow-hidden rounded-full bg-panel-2" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(percent)} aria-label={`${JOB_LABELS[job.name]} progress`}>
        <div className="h-full rounded-full bg-accent transition-[width]" style={{ width: `${percent}%` }} />
      </div>
      <p className="text-xs text-muted tabular-nums">
        {percent.toFixed(1)}%{p.fps !== undefined && ` · ${Math.round(p.fps)} fps`}
        {p.speed !== undefined && ` · ${p.speed.toFixed(2)}× realtime`}
        {p.etaSeconds !== undefined && ` · ${duration(p.etaSeconds)} left`}
      </p>
    </div>
  );
}

/** A job's step and its video, with `children` (more badges) beside the step and its last error under the video. */
function JobTitle({ job, tone, error, children }: { job: JobWithVideo; tone?: BadgeTone; error?: string | null; children: ReactNode }) {
  return (
    <div className="min-w-0">
      <div className="flex flex-wrap items-center gap-2">
        <Badge tone={tone}>{JOB_LABELS[job.name] ?? job.name}</Badge>
        {children}
      </div>
      <div className="mt-1 flex min-w-0">
        <VideoLink job={job} />
      </div>
      {error && <p className="mt-1 truncate text-xs text-danger">Last attempt: {error}</p>}
    </div>
  );
}

/** One list of the page under its heading and count; `empty` stands in for a list with nothing in it. */
function JobSection({ id, title, count, empty, testId, children }: { id: string; title: string; count: number; empty: ReactNode; testId?: string; children: ReactNode }) {
  return (
    <section aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`} className="mb-3 text-lg font-semibold">
        {title} <span className="text-muted">({count})</span>
      </h2>
      {count === 0 ? (
        empty
      ) : (
        <ul className="divide-y divide-line overflow-hidden rounded-xl border border-line bg-panel" data-testid={testId}>
          {children}
        </ul>
      )}
    </section>
  );
}

export default async function JobsPage() {
  await requirePageAdmin("/admin/jobs");
  const { running, queued, failedVideos } = await jobsOverview();
  const activeVideo = (job: JobWithVideo) => job.video && ["uploaded", "probing", "playable", "processing"].includes(job.video.status);

  return (
    <>
      <LiveRefresh active={running.length + queued.length > 0} />
      <PageHeader title="Jobs" description="Processing work of every worker: running now, waiting, and videos that failed." />
      <div className="grid gap-8">
        <JobSection
          id="running"
          title="Running"
          count={running.length}
          empty={<EmptyState title="Nothing running" description="Workers pick up new uploads within a second." className="py-8" />}
          testId="running-jobs"
        >
          {running.map((job) => (
            <li key={job.id} className="grid gap-3 p-4 sm:grid-cols-[minmax(0,1fr)_16rem_auto] sm:items-center" data-testid="job-row" data-job={job.name}>
              <JobTitle job={job} tone="accent">
                {job.retryCount > 0 && <Badge tone="warning">attempt {job.retryCount + 1} of {job.retryLimit + 1}</Badge>}
              </JobTitle>
              <Progress job={job} />
              {activeVideo(job) && <VideoJobButton videoId={job.video!.id} intent="cancel" title={job.video!.title} />}
            </li>
          ))}
        </JobSection>

        <JobSection id="queued" title="Queued" count={queued.length} empty={<p className="text-sm text-muted">No job is waiting.</p>}>
          {queued.map((job) => (
            <li key={job.id} className="grid gap-2 p-4 sm:grid-cols-[minmax(0,1fr)_auto] sm:items-center" data-testid="job-row" data-job={job.name}>
              <JobTitle job={job} error={job.lastError}>
                {job.state === "retry" && <Badge tone="warning">retry {job.retryCount} of {job.retryLimit}</Badge>}
                <span className="text-xs text-muted">queued {dateTime.format(job.createdOn)}</span>
              </JobTitle>
              {activeVideo(job) && <VideoJobButton videoId={job.video!.id} intent="cancel" title={job.video!.title} />}
            </li>
          ))}
        </JobSection>

        <JobSection id="failed" title="Failed videos" count={failedVideos.length} empty={<p className="text-sm text-muted">No video has failed.</p>} testId="failed-videos">
          {failedVideos.map((video) => (
            <li key={video.id} className="grid gap-2 p-4 sm:grid-cols-[minmax(0,1fr)_auto] sm:items-center" data-testid="failed-video">
              <div className="min-w-0">
                <Link href={`/watch/${video.id}`} className="block truncate font-medium hover:underline">
                  {video.title}
                </Link>
                <p className="text-sm text-danger">{video.failureReason === "cancelled" ? "Cancelled" : video.failureReason}</p>
                <p className="text-xs text-muted">{dateTime.format(video.updatedAt)}</p>
              </div>
              <VideoJobButton videoId={video.id} intent="retry" title={video.title} />
            </li>
          ))}
        </JobSection>
      </div>
    </>
  );
}
