import { z } from "zod";
import { AppError } from "@/lib/errors";
import { route } from "@/lib/guards/route";
import { findImport } from "@/lib/imports/queries";
import { importView, mayReadImport, stopImport } from "@/lib/imports/start";

export const GET = route({ access: "user", params: z.object({ id: z.uuid() }) }, async ({ viewer, params }) => {
  const row = await findImport(params.id);
  if (!row || !mayReadImport(viewer, row)) throw new AppError("not_found", "No such import");
  return importView(row);
});

/** Cancel: the download stops within a second and its partial file is removed; no video is created. */
export const DELETE = route({ access: "user", params: z.object({ id: z.uuid() }) }, async ({ viewer, params }) => importView(await stopImport(viewer, params.id)));
