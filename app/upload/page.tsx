import type { Metadata } from "next";
import { Card, CardDescription, CardTitle } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { LockIcon } from "@/components/ui/icons";
import { PageHeader } from "@/components/ui/page-header";
import { Uploader } from "@/components/upload/uploader";
import { UrlImport } from "@/components/upload/url-import";
import { requirePageViewer } from "@/lib/guards/pages";
import { mayUpload } from "@/lib/auth/viewer";
import { env } from "@/lib/env";

export const metadata: Metadata = { title: "Upload" };

export default async function UploadPage() {
  const viewer = await requirePageViewer("/upload");
  if (!mayUpload(viewer)) {
    return (
      <>
        <PageHeader title="Upload" />
        <EmptyState icon={<LockIcon />} title="Your account may not upload videos" description="Ask an administrator to allow it." />
      </>
    );
  }
  return (
    <div className="mx-auto max-w-3xl">
      <PageHeader title="Upload" description="Videos are playable seconds after they arrive; all qualities follow while you wait." />
      <Uploader maxBytes={env.REEL_UPLOAD_MAX_BYTES} chunkBytes={env.REEL_UPLOAD_CHUNK_BYTES} />
      <Card className="mt-10">
        <CardTitle>Import from a URL</CardTitle>
        <CardDescription>A direct link to a video file (not a web page). Reel downloads it, then processes it like an upload.</CardDescription>
        <UrlImport />
      </Card>
    </div>
  );
}
