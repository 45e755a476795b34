import { z } from "zod";
import { route } from "@/lib/guards/route";
import { listImports } from "@/lib/imports/queries";
import { importView, startImport } from "@/lib/imports/start";

/** Import a video from a direct media URL: the worker downloads it, then the usual pipeline runs. */
export const POST = route({ access: "uploader", body: z.object({ url: z.string().min(1).max(4096) }) }, async ({ viewer, body }) => {
  const row = await startImport(viewer, body.url);
  return Response.json(importView(row), { status: 202 });
});

/** The caller's recent imports, newest first. */
export const GET = route({ access: "uploader" }, async ({ viewer }) => ({ imports: (await listImports(viewer.id)).map(importView) }));
