import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { VideoEditForm } from "@/components/library/video-edit-form";
import { signedInViewer } from "@/lib/library/pages";
import { getEditableVideo } from "@/lib/library/queries";
import { videoIdSchema } from "@/lib/library/rules";

export const metadata: Metadata = { title: "Edit video" };

export default async function EditVideoPage({ params }: { params: Promise<{ id: string }> }) {
  const parsed = videoIdSchema.safeParse(await params);
  if (!parsed.success) notFound();
  const viewer = await signedInViewer(`/videos/${parsed.data.id}/edit`);
  // Someone who may not edit it learns nothing about it (same answer as a missing video).
  const video = await getEditableVideo(viewer, parsed.data.id);
  if (!video) notFound();
  return (
    <main className="mx-auto flex w-full max-w-2xl flex-col gap-4 px-4 py-6">
      <h1 className="text-2xl font-semibold">Edit video</h1>
      <VideoEditForm video={video} />
    </main>
  );
}
