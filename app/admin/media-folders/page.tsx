import type { Metadata } from "next";
import { Badge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageAdmin } from "@/lib/guards/pages";
import { mediaFolderOverview } from "@/lib/media-folders/overview";
import { RescanButton } from "./rescan-button";

export const metadata: Metadata = { title: "Media folders" };
export const dynamic = "force-dynamic";

export default async function MediaFoldersPage() {
  await requirePageAdmin("/admin/media-folders");
  const folders = await mediaFolderOverview();
  return (
    <>
      <PageHeader
        title="Media folders"
        description="Folders whose videos Reel adds in place and keeps watching (REEL_MEDIA_DIRS). Originals are only read."
      />
      {folders.length === 0 ? (
        <EmptyState
          title="No media folder configured"
          description="Set REEL_MEDIA_DIRS to one or more folders (separated by , or :) and restart Reel: their videos are added where they are."
        />
      ) : (
        <div className="grid gap-4">
          <ul className="divide-y divide-line overflow-hidden rounded-xl border border-line bg-panel" aria-label="Media folders">
            {folders.map((folder) => (
              <li key={folder.path} className="grid gap-2 p-4" data-testid="media-folder">
                <div className="flex flex-wrap items-center gap-2">
                  <code className="min-w-0 truncate font-mono text-sm">{folder.path}</code>
                  {folder.available ? <Badge tone="success">available</Badge> : <Badge tone="warning">unavailable or empty</Badge>}
                </div>
                <p className="text-sm text-muted tabular-nums">
                  {folder.videos.total} videos · {folder.videos.processing} processing · {folder.videos.missing} missing · {folder.videos.failed} failed
                </p>
                {!folder.available && (
                  <p className="text-sm text-muted">Taken for an unmounted disk: its videos are left as they are until it is back.</p>
                )}
              </li>
            ))}
          </ul>
          <RescanButton />
        </div>
      )}
    </>
  );
}
