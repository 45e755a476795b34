import { ButtonLink } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";

/** The catalog is empty: say so, and offer the upload to those who may upload. */
export function NoVideos({ mayUpload }: { mayUpload: boolean }) {
  return (
    <EmptyState
      title="No videos yet — upload one"
      description={mayUpload ? "Uploaded videos appear here as soon as they can be played." : "Videos appear here once someone uploads them."}
      action={mayUpload ? <ButtonLink href="/upload">Upload a video</ButtonLink> : undefined}
    />
  );
}
