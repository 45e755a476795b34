import { route } from "@/lib/guards/route";
import { rateVideo } from "@/lib/library/queries/interactions";
import { ratingBodySchema, videoIdSchema } from "@/lib/library/rules";

/** `{ value: 1..5 }` → the viewer's rating and the video's new average and count. */
export const PUT = route({ access: "user", params: videoIdSchema, body: ratingBodySchema }, ({ viewer, params, body }) =>
  rateVideo(viewer, params.id, body.value),
);
