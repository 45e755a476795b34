import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { Uploader } from "@/components/upload/uploader";
import { UrlImport } from "@/components/upload/url-import";
import { getViewer } from "@/lib/auth/session";
import { mayUpload } from "@/lib/auth/viewer";
import { env } from "@/lib/env";

export const metadata: Metadata = { title: "Upload" };

export default async function UploadPage() {
  const viewer = await getViewer();
  if (!viewer) redirect(`/login?callbackUrl=${encodeURIComponent("/upload")}`);
  if (!mayUpload(viewer)) {
    return (
      <main className="mx-auto max-w-3xl p-6">
        <h1 className="text-2xl font-semibold">Upload</h1>
        <p className="mt-4 text-muted">Your account may not upload videos. Ask an administrator to allow it.</p>
      </main>
    );
  }
  return (
    <main className="mx-auto max-w-3xl space-y-10 p-6">
      <div className="space-y-4">
        <h1 className="text-2xl font-semibold">Upload</h1>
        <Uploader maxBytes={env.REEL_UPLOAD_MAX_BYTES} />
      </div>
      <UrlImport />
    </main>
  );
}
