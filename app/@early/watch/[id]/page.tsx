import { earlyStartScript } from "@/components/player/early-start";
import { loadWatchRoute, type WatchRouteProps } from "@/app/watch/[id]/load-page";
import { pageNonce } from "@/lib/http/page-nonce";

/**
 * The watch page's early start, as the first thing in <body> (see the root layout): the browser runs it with the
 * <head>, before it yields to lay out the page, about 50 ms before it reaches the player's <video>.
 */
export default async function EarlyStart(props: WatchRouteProps) {
  const page = await loadWatchRoute(props);
  if (page?.kind !== "playable") return null;
  return <script nonce={await pageNonce()} dangerouslySetInnerHTML={{ __html: earlyStartScript(page.source.firstSegment, page.source.startAt) }} />;
}
