import { route } from "@/lib/guards/route";
import { qoeBody } from "@/lib/playback/qoe";
import { recordQoe } from "@/lib/playback/service";

/** Guests watching a public video report too; the per-session budget bounds what any one caller can write. */
export const POST = route({ access: "public", body: qoeBody }, async ({ viewer, body, request }) => {
  await recordQoe(viewer, body, request.headers.get("user-agent"));
  return null;
});
