import { z } from "zod";
import { route } from "@/lib/guards/route";
import { linkView, removeLink, requireOwnLink } from "@/lib/proxy/links";

const params = z.object({ id: z.uuid() });

export const GET = route({ access: "user", params }, async ({ viewer, params }) => linkView(await requireOwnLink(viewer, params.id)));

export const DELETE = route({ access: "user", params }, async ({ viewer, params }) => {
  await removeLink(viewer, params.id);
  return null;
});
