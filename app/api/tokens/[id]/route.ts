import { z } from "zod";
import { revokeApiToken } from "@/lib/auth/api-tokens";
import { AppError } from "@/lib/errors";
import { route } from "@/lib/guards/route";

/** Revokes one of the caller's own tokens; someone else's token is "not found". */
export const DELETE = route({ access: "user", params: z.object({ id: z.uuid() }) }, async ({ viewer, params }) => {
  if (!(await revokeApiToken(viewer.id, params.id))) throw new AppError("not_found", "No such token");
  return null;
});
