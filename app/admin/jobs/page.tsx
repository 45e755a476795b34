import type { Metadata } from "next";
import Link from "next/link";
import { Badge } from "@/components/ui/badge";
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

export default async function JobsPage() {
  await requirePageAdmin("/admin/jobs");
  const { running, queued, failedVideos } = await jobsOverview();
  const activeVideo = (job: JobWithVideo) => job.video && ["uploaded", "probing", "playable", "processing"].includes(job.video.status);

  return (
    <>
      <LiveRefresh active={running.length + queued.length > 0} />
      <PageHeader title="Jobs" description="Processing work of every worker: running now, waiting, and videos that failed." />
      <div className="grid gap-8">
        <section aria-labelledby="running-heading">
          <h2 id="running-heading" className="mb-3 text-lg font-semibold">
            Running <span className="text-muted">({running.length})</span>
          </h2>
          {running.length === 0 ? (
            <EmptyState title="Nothing running" description="Workers pick up new uploads within a second." className="py-8" />
          ) : (
            <ul className="divide-y divide-line overflow-hidden rounded-xl border border-line bg-panel" data-testid="running-jobs">
              {running.map((job) => (
                <li key={job.id} className="grid gap-3 p-4 sm:grid-cols-[minmax(0,1fr)_16rem_auto] sm:items-center" data-testid="job-row" data-job={job.name}>
                  <div className="min-w-0">
                    <div className="flex flex-wrap items-center gap-2">
                      <Badge tone="accent">{JOB_LABELS[job.name] ?? job.name}</Badge>
                      {job.retryCount > 0 && <Badge tone="warning">attempt {job.retryCount + 1} of {job.retryLimit + 1}</Badge>}
                    </div>
                    <div className="mt-1 flex min-w-0">
                      <VideoLink job={job} />
                    </div>
                  </div>
                  <Progress job={job} />
                  {activeVideo(job) && <VideoJobButton videoId={job.video!.id} intent="cancel" title={job.video!.title} />}
                </li>
              ))}
            </ul>
          )}
        </section>

        <section aria-labelledby="queued-heading">
          <h2 id="queued-heading" className="mb-3 text-lg font-semibold">
            Queued <span className="text-muted">({queued.length})</span>
          </h2>
          {queued.length === 0 ? (
            <p className="text-sm text-muted">No job is waiting.</p>
          ) : (
            <ul className="divide-y divide-line overflow-hidden rounded-xl border border-line bg-panel">
              {queued.map((job) => (
                <li key={job.id} className="grid gap-2 p-4 sm:grid-cols-[minmax(0,1fr)_auto] sm:items-center" data-testid="job-row" data-job={job.name}>
                  <div className="min-w-0">
                    <div className="flex flex-wrap items-center gap-2">
                      <Badge>{JOB_LABELS[job.name] ?? job.name}</Badge>
                      {job.state === "retry" && <Badge tone="warning">retry {job.retryCount} of {job.retryLimit}</Badge>}
                      <span className="text-xs text-muted">queued {dateTime.format(job.createdOn)}</span>
                    </div>
                    <div className="mt-1 flex min-w-0">
                      <VideoLink job={job} />
                    </div>
                    {job.lastError && <p className="mt-1 truncate text-xs text-danger">Last attempt: {job.lastError}</p>}
                  </div>
                  {activeVideo(job) && <VideoJobButton videoId={job.video!.id} intent="cancel" title={job.video!.title} />}
                </li>
              ))}
            </ul>
          )}
        </section>

        <section aria-labelledby="failed-heading">
          <h2 id="failed-heading" className="mb-3 text-lg font-semibold">
            Failed videos <span className="text-muted">({failedVideos.length})</span>
          </h2>
          {failedVideos.length === 0 ? (
            <p className="text-sm text-muted">No video has failed.</p>
          ) : (
            <ul className="divide-y divide-line overflow-hidden rounded-xl border border-line bg-panel" data-testid="failed-videos">
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
            </ul>
          )}
        </section>
      </div>
    </>
  );
}
