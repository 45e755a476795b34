import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { z } from "zod";
import { describeLink } from "@/components/play/link-facts";
import { AddToLibrary } from "@/components/play/add-to-library";
import { Player } from "@/components/player/player";
import { requirePageViewer } from "@/lib/guards/pages";
import { mayUpload } from "@/lib/auth/viewer";
import { isAppError } from "@/lib/errors";
import { pageNonce } from "@/lib/http/page-nonce";
import { linkSource, linkView, requireOwnLink } from "@/lib/proxy/links";

type Props = { params: Promise<{ linkId: string }> };

async function load(props: Props) {
  const { linkId } = await props.params;
  const viewer = await requirePageViewer(`/play/${encodeURIComponent(linkId)}`);
  if (!z.uuid().safeParse(linkId).success) return null;
  try {
    return { viewer, link: await requireOwnLink(viewer, linkId) };
  } catch (error) {
    if (isAppError(error) && error.status === 404) return null;
    throw error;
  }
}

export async function generateMetadata(props: Props): Promise<Metadata> {
  const page = await load(props);
  return { title: page ? (page.link.title ?? page.link.host) : "Not found" };
}

/** A pasted link playing through the proxy, in the same player as library videos. Only its owner may open it. */
export default async function PlayLinkPage(props: Props) {
  const page = await load(props);
  if (!page) notFound();
  const { viewer, link } = page;
  const nonce = await pageNonce();
  return (
    <div className="mx-auto w-full max-w-6xl">
      <div className="-mx-4 -mt-6 sm:mx-0 sm:mt-0">
        <Player source={linkSource(viewer, link)} nonce={nonce} />
      </div>
      <div className="mt-4 flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0">
          <h1 className="text-xl font-semibold break-words">{link.title ?? link.host}</h1>
          <p className="mt-1 text-sm text-muted" data-testid="play-facts">
            {link.host} · {describeLink(linkView(link)).join(" · ")}
          </p>
        </div>
        <div className="flex items-center gap-3">
          {mayUpload(viewer) && <AddToLibrary linkId={link.id} />}
          <Link href="/play" className="text-sm underline">
            Play another link
          </Link>
        </div>
      </div>
    </div>
  );
}
