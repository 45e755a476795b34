import { route } from "@/lib/guards/route";
import { qoeBody } from "@/lib/playback/qoe";
import { recordQoe } from "./ingest";

/** Largest report accepted: a full one is about 600 bytes. */
const QOE_MAX_BODY = 4096;

/**
 * POST /api/qoe — a player's playback report. Guests watching a public video report too; a per-viewer rate and a
 * per-session budget bound what one caller can write. One handler, mounted as the Next route (app/api/qoe/route.ts)
 * and as a fast path of Reel's own server (lib/server/qoe-fast-path.ts): players send one every few seconds.
 */
export const postQoe = route({ access: "public", body: qoeBody, maxBodyBytes: QOE_MAX_BODY }, async ({ viewer, body, request }) => {
  await recordQoe(viewer, body, request.headers);
  return null;
});
