import { z } from "zod";
import { AppError } from "@/lib/errors";
import { route } from "@/lib/http/route";
import { findImport } from "@/lib/imports/queries";
import { importView, mayReadImport } from "@/lib/imports/start";

export const GET = route({ access: "user", params: z.object({ id: z.uuid() }) }, async ({ viewer, params }) => {
  const row = await findImport(params.id);
  if (!row || !mayReadImport(viewer, row)) throw new AppError("not_found", "No such import");
  return importView(row);
});
