import { z } from "zod";
import { route } from "@/lib/guards/route";
import { importLink } from "@/lib/proxy/links";

/**
 * Add to library: the link's URL goes to URL import (uploaders), as if it had been pasted on the upload page. The
 * answer names the import, not the URL.
 */
export const POST = route({ access: "uploader", params: z.object({ id: z.uuid() }) }, async ({ viewer, params }) => {
  const row = await importLink(viewer, params.id);
  return Response.json({ id: row.id, status: row.status }, { status: 202 });
});
