import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { LiveRefresh } from "@/components/admin/live-refresh";
import { PlayingNow } from "@/components/admin/playing-now";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Card, CardTitle } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageAdmin } from "@/lib/guards/pages";
import { adminOverview, type AdminOverview } from "@/lib/monitoring/overview";
import { formatBytes, formatEta } from "@/lib/uploads/format";

export const metadata: Metadata = { title: "Overview" };
export const dynamic = "force-dynamic";

/** Seconds between refreshes of the overview while its tab is visible. */
const REFRESH_SECONDS = 5;
const STATUS_ORDER = ["ready", "playable", "processing", "probing", "uploaded", "failed", "missing"];
const time = new Intl.DateTimeFormat("en", { timeStyle: "medium" });

const percent = (value: number | null) => (value === null ? "–" : `${(value * 100).toFixed(1)}%`);
const duration = (ms: number) => (ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`);
const ms = (value: number | null, count: number) => (count === 0 ? "–" : value === null ? "> 30 s" : `≤ ${duration(value)}`);
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

function Figure({ label, value, detail, testId }: { label: string; value: ReactNode; detail?: ReactNode; testId?: string }) {
  return (
    <div className="min-w-0" data-testid={testId}>
      <dt className="text-xs text-muted">{label}</dt>
      <dd className="text-xl font-semibold tabular-nums">{value}</dd>
      {detail && <dd className="text-xs text-muted">{detail}</dd>}
    </div>
  );
}

/** One card of the overview; given an `empty` message (a list with no rows), it shows that instead of its children. */
function Panel({ title, id, empty, children }: { title: string; id: string; empty?: string | false; children: ReactNode }) {
  return (
    // min-w-0: a grid item otherwise grows to its widest table, and a phone's page with it.
    <Card aria-labelledby={`${id}-heading`} data-testid={`panel-${id}`} className="min-w-0">
      <CardTitle id={`${id}-heading`} className="mb-3 text-base">
        {title}
      </CardTitle>
      {empty ? <p className="text-sm text-muted">{empty}</p> : children}
    </Card>
  );
}

function StoragePanel({ storage }: { storage: AdminOverview["storage"] }) {
  const used = storage.totalBytes - storage.freeBytes;
  return (
    <Panel title="Storage" id="storage">
      {storage.level !== "ok" && (
        <Alert tone={storage.level === "full" ? "error" : "warning"} className="mb-3" title={storage.level === "full" ? "Disk full" : "Disk nearly full"}>
          {formatBytes(storage.freeBytes)} free; uploads and imports stop when less than {formatBytes(storage.reserveBytes)} is left.
        </Alert>
      )}
      <dl className="grid grid-cols-2 gap-3">
        <Figure label="Originals" value={formatBytes(storage.originals)} testId="storage-originals" />
        <Figure label="Renditions" value={formatBytes(storage.renditions)} testId="storage-renditions" />
        <Figure label="Thumbnails" value={formatBytes(storage.thumbnails)} testId="storage-thumbnails" />
        <Figure label="Free disk" value={formatBytes(storage.freeBytes)} detail={`${formatBytes(used)} of ${formatBytes(storage.totalBytes)} used`} testId="storage-free" />
      </dl>
    </Panel>
  );
}

function VideosPanel({ videos }: { videos: AdminOverview["videos"] }) {
  const statuses = [...STATUS_ORDER.filter((s) => s in videos), ...Object.keys(videos).filter((s) => !STATUS_ORDER.includes(s))];
  return (
    <Panel title="Videos" id="videos" empty={statuses.length === 0 && "No videos yet."}>
      <dl className="grid grid-cols-2 gap-3 sm:grid-cols-3">
        {statuses.map((status) => (
          <Figure key={status} label={status} value={videos[status]} testId={`videos-${status}`} />
        ))}
      </dl>
    </Panel>
  );
}

function QueuePanel({ queue }: { queue: AdminOverview["queue"] }) {
  return (
    <Panel title="Queue" id="queue">
      <dl className="grid grid-cols-2 gap-3">
        <Figure label="Waiting" value={queue.waiting} testId="queue-waiting" />
        <Figure label="Running" value={queue.running} testId="queue-running" />
        <Figure label="Oldest waiting" value={queue.oldestWaitingSeconds === null ? "–" : formatEta(queue.oldestWaitingSeconds)} testId="queue-oldest" />
      </dl>
      <p className="mt-3 text-sm">
        <Link href="/admin/jobs" className="text-accent-text hover:underline">
          All jobs
        </Link>
      </p>
    </Panel>
  );
}

function ServerPanel({ overview }: { overview: AdminOverview }) {
  const { cache } = overview;
  return (
    <Panel title="Database and caches" id="server">
      <dl className="grid grid-cols-2 gap-3">
        <Figure label="Database size" value={formatBytes(overview.databaseBytes)} testId="database-size" />
        <Figure label="Response cache hits" value={percent(cache.responseCache.hitRate)} detail={plural(cache.responseCache.lookups, "lookup")} testId="cache-hit-rate" />
        <Figure label="Media answered 304" value={percent(cache.media.notModifiedRate)} detail={plural(cache.media.answers, "media answer")} testId="media-304-rate" />
      </dl>
    </Panel>
  );
}

/** A table that scrolls sideways on a phone rather than squeezing its columns. */
function Table({ head, children, testId }: { head: string[]; children: ReactNode; testId: string }) {
  return (
    <div className="-mx-4 overflow-x-auto px-4 sm:mx-0 sm:px-0">
      <table className="w-full min-w-[32rem] text-left text-sm" data-testid={testId}>
        <thead className="text-xs text-muted">
          <tr>
            {head.map((h, i) => (
              <th key={h} scope="col" className={`py-2 pr-3 font-medium ${i > 0 ? "text-right" : ""}`}>
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-line tabular-nums">{children}</tbody>
      </table>
    </div>
  );
}

/** A table row's figures after its first cell, right-aligned under their headings. */
function FigureCells({ values }: { values: ReactNode[] }) {
  return values.map((value, i) => (
    <td key={i} className="py-2 pr-3 text-right">
      {value}
    </td>
  ));
}

function WorkersPanel({ workers }: { workers: AdminOverview["workers"] }) {
  return (
    <Panel title="Workers" id="workers">
      {workers.length === 0 ? (
        <Alert tone="warning" title="No worker is running">
          Uploads wait in the queue until a worker starts.
        </Alert>
      ) : (
        <ul className="divide-y divide-line">
          {workers.map((w) => (
            <li key={w.id} className="grid gap-1 py-2 sm:grid-cols-[minmax(0,1fr)_auto] sm:items-center" data-testid="worker-row">
              <div className="min-w-0">
                <p className="truncate font-medium">
                  {w.hostname} <span className="text-muted">pid {w.pid}</span>
                </p>
                <p className="truncate text-xs text-muted">
                  {w.currentJobs.length === 0 ? "idle" : w.currentJobs.map((j) => j.name).join(", ")} · encoder {w.encoder ?? "none"}
                </p>
              </div>
              <div className="flex items-center gap-2 text-xs text-muted">
                <Badge tone={w.alive ? "success" : "danger"}>{w.alive ? "alive" : "silent"}</Badge>
                heartbeat {Math.round(w.secondsAgo)} s ago
              </div>
            </li>
          ))}
        </ul>
      )}
    </Panel>
  );
}

function WebPanel({ processes }: { processes: AdminOverview["webProcesses"] }) {
  return (
    <Panel title="Web processes" id="web" empty={processes.length === 0 && "No web process has published its figures in the last 20 seconds."}>
      <Table head={["Process", "Memory", "CPU", "Event loop p50 / max"]} testId="web-processes">
        {processes.map((p) => (
          <tr key={p.id} data-testid="web-process-row">
            <td className="max-w-[12rem] truncate py-2 pr-3">
              {p.hostname} <span className="text-muted">pid {p.pid}</span>
            </td>
            <FigureCells values={[formatBytes(p.rssBytes), percent(p.cpu), `${p.eventLoopMedianMs.toFixed(1)} / ${p.eventLoopMaxMs.toFixed(0)} ms`]} />
          </tr>
        ))}
      </Table>
    </Panel>
  );
}

function RoutesPanel({ routes }: { routes: AdminOverview["routes"] }) {
  return (
    <Panel title="Request timings, last hour" id="routes" empty={routes.length === 0 && "No requests counted yet."}>
      <Table head={["Route", "Requests", "p50", "p95", "5xx"]} testId="route-timings">
        {routes.map((r) => (
          <tr key={r.route} data-testid="route-row">
            <td className="max-w-[16rem] truncate py-2 pr-3 font-mono text-xs" title={r.route}>
              {r.route}
            </td>
            <FigureCells values={[r.count, ms(r.p50Ms, r.count), ms(r.p95Ms, r.count)]} />
            <td className={`py-2 pr-3 text-right ${r.errors > 0 ? "text-danger" : ""}`}>{r.errors}</td>
          </tr>
        ))}
      </Table>
    </Panel>
  );
}

function ErrorsPanel({ errors }: { errors: AdminOverview["errors"] }) {
  return (
    <Panel title="Errors, last hour" id="errors">
      <dl className="grid grid-cols-2 gap-3">
        <Figure label="Server errors (5xx)" value={errors.serverErrors} testId="errors-5xx" />
        <Figure label="Failed jobs" value={errors.failedJobs} testId="errors-jobs" />
      </dl>
      {errors.recentFailedJobs.length > 0 && (
        <ul className="mt-3 divide-y divide-line text-sm">
          {errors.recentFailedJobs.map((job) => (
            <li key={job.id} className="py-2">
              <p className="truncate">
                <Badge tone="danger">{job.name}</Badge>{" "}
                {job.videoId ? (
                  <Link href={`/watch/${job.videoId}`} className="hover:underline">
                    video
                  </Link>
                ) : null}{" "}
                <span className="text-xs text-muted">{time.format(job.at)}</span>
              </p>
              {job.message && <p className="truncate text-xs text-danger">{job.message}</p>}
            </li>
          ))}
        </ul>
      )}
    </Panel>
  );
}

export default async function AdminOverviewPage() {
  await requirePageAdmin("/admin");
  const overview = await adminOverview();
  return (
    <>
      <LiveRefresh active seconds={REFRESH_SECONDS} />
      <PageHeader
        title="Overview"
        description={
          <>
            The whole server at a glance, refreshed every {REFRESH_SECONDS} s · as of <time dateTime={overview.generatedAt.toISOString()}>{time.format(overview.generatedAt)}</time>
          </>
        }
      />
      <div className="grid gap-4 md:grid-cols-2 xl:grid-cols-4">
        <StoragePanel storage={overview.storage} />
        <VideosPanel videos={overview.videos} />
        <QueuePanel queue={overview.queue} />
        <ServerPanel overview={overview} />
      </div>
      <div className="mt-4 grid gap-4 lg:grid-cols-2">
        <div className="lg:col-span-2">
          <PlayingNow />
        </div>
        <WorkersPanel workers={overview.workers} />
        <WebPanel processes={overview.webProcesses} />
        <RoutesPanel routes={overview.routes} />
        <ErrorsPanel errors={overview.errors} />
      </div>
    </>
  );
}
