import { route } from "@/lib/guards/route";
import { recordView } from "@/lib/library/queries/interactions";
import { videoIdSchema, viewBodySchema } from "@/lib/library/rules";

/** Called by the player after 5 s of real playback; counted at most once per user and video per 30 minutes. */
export const POST = route({ access: "public", params: videoIdSchema, body: viewBodySchema }, ({ viewer, params, body }) =>
  recordView(viewer, params.id, body.watchedSeconds),
);
