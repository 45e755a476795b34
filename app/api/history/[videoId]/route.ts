import { z } from "zod";
import { route } from "@/lib/guards/route";
import { removeFromHistory } from "@/lib/library/queries/lists";

export const DELETE = route({ access: "user", params: z.object({ videoId: z.guid() }) }, async ({ viewer, params }) => ({
  removed: await removeFromHistory(viewer, params.videoId),
}));
