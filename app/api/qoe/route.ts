import { route } from "@/lib/http/route";
import { qoeBody } from "@/lib/playback/qoe";
import { recordQoe } from "@/lib/playback/service";

/** Guests watching a public video report too; a per-viewer rate and a per-session budget bound what one caller can write. */
export const POST = route({ access: "public", body: qoeBody }, async ({ viewer, body, request }) => {
  await recordQoe(viewer, body, request.headers);
  return null;
});
