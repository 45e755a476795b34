import { ButtonLink } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { FilmIcon, UploadIcon } from "@/components/ui/icons";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageViewer } from "@/lib/auth/pages";
import { mayUpload } from "@/lib/auth/viewer";

// Placeholder until the library lands: the shell with its empty state.
export default async function Home() {
  const viewer = await requirePageViewer("/");
  return (
    <>
      <PageHeader title="Home" />
      <EmptyState
        icon={<FilmIcon />}
        title="No videos yet — upload one"
        description={mayUpload(viewer) ? "Videos you upload show up here once they are ready to play." : "Videos show up here when someone with upload rights adds them."}
        action={
          mayUpload(viewer) && (
            <ButtonLink href="/upload">
              <UploadIcon className="size-4" />
              Upload a video
            </ButtonLink>
          )
        }
      />
    </>
  );
}
