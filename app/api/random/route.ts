import { z } from "zod";
import { AppError } from "@/lib/errors";
import { route } from "@/lib/guards/route";
import { ensureMayBrowse, mayBrowse } from "@/lib/library/access";
import { randomVideoId } from "@/lib/library/queries/catalog";
import { catalogQuerySchema } from "@/lib/library/rules";

const query = catalogQuerySchema.pick({ q: true, tags: true }).extend({
  /** `go=1`: answer with a redirect to the watch page (the "Surprise me" link works without JavaScript). */
  go: z.enum(["1", "0"]).optional(),
});

const seeOther = (location: string) => new Response(null, { status: 303, headers: { location } });

export const GET = route({ access: "public", query }, async ({ viewer, query }) => {
  if (query.go === "1") {
    // A link in a page: answer with pages (sign in, the video, or the catalog saying nothing matched).
    const filters = new URLSearchParams();
    if (query.q) filters.set("q", query.q);
    if (query.tags?.length) filters.set("tags", query.tags.join(","));
    if (!(await mayBrowse(viewer))) return seeOther(`/login?callbackUrl=${encodeURIComponent(`/videos?${filters}`)}`);
    const id = await randomVideoId(viewer, query);
    filters.set("surprise", "empty");
    return seeOther(id ? `/watch/${id}` : `/videos?${filters}`);
  }
  await ensureMayBrowse(viewer);
  const id = await randomVideoId(viewer, query);
  if (!id) throw new AppError("not_found", "No video matches these filters");
  return { id, url: `/watch/${id}` };
});
