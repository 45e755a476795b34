import { z } from "zod";
import { route } from "@/lib/guards/route";
import { offlinePlan, offlineSummary } from "@/lib/offline/plan";

const params = z.object({ id: z.uuid() });
const query = z.object({ height: z.coerce.number().int().positive().max(10_000).optional() });

/**
 * Without `height`: the qualities a viewer may keep for offline viewing, with sizes and the version (also how a
 * stored download learns the video is gone, private or re-processed). With it: the files to fetch, signed for now.
 */
export const GET = route({ access: "public", params, query }, ({ viewer, params, query }) =>
  query.height === undefined ? offlineSummary(viewer, params.id) : offlinePlan(viewer, params.id, query.height),
);
