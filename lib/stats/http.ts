import { nodeRoute } from "@/lib/guards/node-route";
import { route } from "@/lib/guards/route";
import { qoeBody } from "@/lib/playback/qoe";
import { recordQoe } from "./ingest";

/** Largest report accepted: a full one is about 600 bytes. */
const QOE_MAX_BODY = 4096;
/** A viewer whose account is disabled stops being counted within seconds (RECENT_VIEWER_MS), not at once. */
const QOE_ROUTE = { access: "public", body: qoeBody, maxBodyBytes: QOE_MAX_BODY, recentViewer: true } as const;

/**
 * POST /api/qoe — a player's playback report. Guests watching a public video report too; a per-viewer rate and a
 * per-session budget bound what one caller can write. Mounted as the Next route (app/api/qoe/route.ts) and, with the
 * same options and checks on the Node request itself, as a fast path of Reel's own server
 * (lib/server/qoe-fast-path.ts): players send one every few seconds.
 */
export const postQoe = route(QOE_ROUTE, async ({ viewer, body, request }) => {
  await recordQoe(viewer, body, request.headers);
  return null;
});
export const postQoeNode = nodeRoute(QOE_ROUTE, ({ viewer, body, headers }) => recordQoe(viewer, body, headers));
