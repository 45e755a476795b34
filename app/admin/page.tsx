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

type FigureItem = { label: string; value: ReactNode; detail?: ReactNode; testId?: string };

/** A panel's headline figures, two to a row on a phone (three where a panel asks for more). */
function Figures({ items, wide = false }: { items: FigureItem[]; wide?: boolean }) {
  return (
    <dl className={`grid grid-cols-2 gap-3 ${wide ? "sm:grid-cols-3" : ""}`}>
      {items.map(({ label, value, detail, testId }) => (
        <div key={label} className="min-w-0" data-testid={testId}>
          <dt className="text-xs text-muted">{label}</dt>
          <dd className="text-xl font-semibold tabular-nums">{value}</dd>
          {detail && <dd className="text-xs text-muted">{detail}</dd>}
        </div>
      ))}
    </dl>
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
      <Figures
        items={[
          { label: "Originals", value: formatBytes(storage.originals), testId: "storage-originals" },
          { label: "Renditions", value: formatBytes(storage.renditions), testId: "storage-renditions" },
          { label: "Thumbnails", value: formatBytes(storage.thumbnails), testId: "storage-thumbnails" },
          { label: "Free disk", value: formatBytes(storage.freeBytes), detail: `${formatBytes(used)} of ${formatBytes(storage.totalBytes)} used`, testId: "storage-free" },
        ]}
      />
    </Panel>
  );
}

function VideosPanel({ videos }: { videos: AdminOverview["videos"] }) {
  const statuses = [...STATUS_ORDER.filter((s) => s in videos), ...Object.keys(videos).filter((s) => !STATUS_ORDER.includes(s))];
  return (
    <Panel title="Videos" id="videos" empty={statuses.length === 0 && "No videos yet."}>
      <Figures wide items={statuses.map((status) => ({ label: status, value: videos[status], testId: `videos-${status}` }))} />
    </Panel>
  );
}

function QueuePanel({ waiting, running, oldestWaitingSeconds }: AdminOverview["queue"]) {
  const oldest = oldestWaitingSeconds === null ? "–" : formatEta(oldestWaitingSeconds);
  return (
    <Panel title="Queue" id="queue">
      <Figures
        items={[
          { label: "Waiting", value: waiting, testId: "queue-waiting" },
          { label: "Running", value: running, testId: "queue-running" },
          { label: "Oldest waiting", value: oldest, testId: "queue-oldest" },
        ]}
      />
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
      <Figures
        items={[
          { label: "Database size", value: formatBytes(overview.databaseBytes), testId: "database-size" },
          { label: "Response cache hits", value: percent(cache.responseCache.hitRate), detail: plural(cache.responseCache.lookups, "lookup"), testId: "cache-hit-rate" },
          { label: "Media answered 304", value: percent(cache.media.notModifiedRate), detail: plural(cache.media.answers, "media answer"), testId: "media-304-rate" },
        ]}
      />
    </Panel>
  );
}

/** A table's column: the first is the row's name, left-aligned and cut short; the others are figures, right-aligned. */
type Column<Row> = { head: string; cell: (row: Row) => ReactNode; className?: (row: Row) => string };

type TablePanelProps<Row> = { title: string; id: string; empty: string; testId: string; rowTestId: string; rows: Row[]; rowKey: (row: Row) => string; columns: Column<Row>[] };

/** A panel holding one table, which scrolls sideways on a phone rather than squeezing its columns. */
function TablePanel<Row>({ title, id, empty, testId, rowTestId, rows, rowKey, columns }: TablePanelProps<Row>) {
  const align = (i: number) => (i === 0 ? "max-w-[16rem] truncate" : "text-right");
  return (
    <Panel title={title} id={id} empty={rows.length === 0 && empty}>
      <div className="-mx-4 overflow-x-auto px-4 sm:mx-0 sm:px-0">
        <table className="w-full min-w-[32rem] text-left text-sm" data-testid={testId}>
          <thead className="text-xs text-muted">
            <tr>
              {columns.map(({ head }, i) => (
                <th key={head} scope="col" className={`py-2 pr-3 font-medium ${i > 0 ? "text-right" : ""}`}>
                  {head}
                </th>
              ))}
            </tr>
          </thead>
          <tbody className="divide-y divide-line tabular-nums">
            {rows.map((row) => (
              <tr key={rowKey(row)} data-testid={rowTestId}>
                {columns.map(({ head, cell, className }, i) => (
                  <td key={head} className={`py-2 pr-3 ${align(i)} ${className?.(row) ?? ""}`}>
                    {cell(row)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Panel>
  );
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
  type Process = AdminOverview["webProcesses"][number];
  const columns: Column<Process>[] = [
    {
      head: "Process",
      cell: (p) => (
        <>
          {p.hostname} <span className="text-muted">pid {p.pid}</span>
        </>
      ),
    },
    { head: "Memory", cell: (p) => formatBytes(p.rssBytes) },
    { head: "CPU", cell: (p) => percent(p.cpu) },
    { head: "Event loop p50 / max", cell: (p) => `${p.eventLoopMedianMs.toFixed(1)} / ${p.eventLoopMaxMs.toFixed(0)} ms` },
  ];
  const empty = "No web process has published its figures in the last 20 seconds.";
  return <TablePanel title="Web processes" id="web" empty={empty} testId="web-processes" rowTestId="web-process-row" rows={processes} rowKey={(p) => p.id} columns={columns} />;
}

function RoutesPanel({ routes }: { routes: AdminOverview["routes"] }) {
  type Route = AdminOverview["routes"][number];
  const columns: Column<Route>[] = [
    { head: "Route", cell: (r) => <span title={r.route} className="font-mono text-xs">{r.route}</span> },
    { head: "Requests", cell: (r) => r.count },
    { head: "p50", cell: (r) => ms(r.p50Ms, r.count) },
    { head: "p95", cell: (r) => ms(r.p95Ms, r.count) },
    { head: "5xx", cell: (r) => r.errors, className: (r) => (r.errors > 0 ? "text-danger" : "") },
  ];
  return <TablePanel title="Request timings, last hour" id="routes" empty="No requests counted yet." testId="route-timings" rowTestId="route-row" rows={routes} rowKey={(r) => r.route} columns={columns} />;
}

function ErrorsPanel({ serverErrors, failedJobs, recentFailedJobs }: AdminOverview["errors"]) {
  return (
    <Panel title="Errors, last hour" id="errors">
      <Figures items={[{ label: "Server errors (5xx)", value: serverErrors, testId: "errors-5xx" }, { label: "Failed jobs", value: failedJobs, testId: "errors-jobs" }]} />
      {recentFailedJobs.length > 0 && (
        <ul className="mt-3 divide-y divide-line text-sm">
          {recentFailedJobs.map((job) => (
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
        <QueuePanel {...overview.queue} />
        <ServerPanel overview={overview} />
      </div>
      <div className="mt-4 grid gap-4 lg:grid-cols-2">
        <div className="lg:col-span-2">
          <PlayingNow />
        </div>
        <WorkersPanel workers={overview.workers} />
        <WebPanel processes={overview.webProcesses} />
        <RoutesPanel routes={overview.routes} />
        <ErrorsPanel {...overview.errors} />
      </div>
    </>
  );
}
