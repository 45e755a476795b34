import { z } from "zod";
import { AppError } from "@/lib/errors";
import { route } from "@/lib/http/route";
import { ensureMayBrowse } from "@/lib/library/access";
import { randomVideoId } from "@/lib/library/queries";
import { catalogQuerySchema } from "@/lib/library/rules";

const query = catalogQuerySchema.pick({ q: true, tags: true }).extend({
  /** `go=1`: answer with a redirect to the watch page (the "Surprise me" link works without JavaScript). */
  go: z.enum(["1", "0"]).optional(),
});

export const GET = route({ access: "public", query }, async ({ viewer, query }) => {
  await ensureMayBrowse(viewer);
  const id = await randomVideoId(viewer, query);
  if (query.go === "1") {
    const target = id ? `/watch/${id}` : "/videos?surprise=empty";
    return new Response(null, { status: 303, headers: { location: target } });
  }
  if (!id) throw new AppError("not_found", "No video matches these filters");
  return { id, url: `/watch/${id}` };
});
