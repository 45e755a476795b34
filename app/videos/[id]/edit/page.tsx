import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { CaptionTracks } from "@/components/library/caption-tracks";
import { VideoEditForm } from "@/components/library/video-edit-form";
import { VideoTabs } from "@/components/library/video-tabs";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageViewer } from "@/lib/guards/pages";
import { getEditableVideo } from "@/lib/library/queries/editable";
import { videoIdSchema } from "@/lib/library/rules";
import { captionsOf } from "@/lib/videos/captions";

export const metadata: Metadata = { title: "Edit video" };

export default async function EditVideoPage({ params }: { params: Promise<{ id: string }> }) {
  const parsed = videoIdSchema.safeParse(await params);
  if (!parsed.success) notFound();
  const viewer = await requirePageViewer(`/videos/${parsed.data.id}/edit`);
  // Someone who may not edit it learns nothing about it (same answer as a missing video).
  const video = await getEditableVideo(viewer, parsed.data.id);
  if (!video) notFound();
  return (
    <div className="mx-auto w-full max-w-2xl">
      <PageHeader title="Edit video" description={video.title} />
      <VideoTabs videoId={video.id} current="edit" />
      <VideoEditForm video={video} isAdmin={viewer.role === "admin"} />
      <CaptionTracks videoId={video.id} tracks={(await captionsOf(video.id)).map(({ id, label, lang, origin }) => ({ id, label, lang, origin }))} />
    </div>
  );
}
