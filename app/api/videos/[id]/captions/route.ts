import { z } from "zod";
import { AppError } from "@/lib/errors";
import { formValues, parseForm } from "@/lib/http/form";
import { route } from "@/lib/guards/route";
import { attachCaption, readCaptionForm } from "@/lib/uploads/captions";
import { requireManageable } from "@/lib/videos/lifecycle";

const fields = z.object({
  lang: z
    .string()
    .trim()
    .regex(/^[a-z]{2,3}(-[a-z0-9]{2,8})*$/i, "expected a language tag such as en or pt-BR")
    .default("und"),
  label: z.string().trim().min(1).max(100).optional(),
});

/** Attach a caption file (.vtt, or .srt converted to WebVTT) to a video: its owner or an admin. */
export const POST = route({ access: "user", params: z.object({ id: z.uuid() }) }, async ({ request, viewer, params }) => {
  // 404 for a video the caller cannot see, 403 for one they see but do not manage: as every video route answers.
  const video = await requireManageable(viewer, params.id);
  const form = await readCaptionForm(request);
  const values = formValues(form);
  const file = form.get("file");
  if (!(file instanceof File)) throw new AppError("bad_request", "Invalid body: file: attach a .vtt or .srt file", { fields: [{ field: "file", message: "required" }] });
  const { lang, label } = parseForm(fields, { lang: values.lang || undefined, label: values.label || undefined });
  const caption = await attachCaption({
    videoId: video.id,
    fileName: file.name,
    bytes: new Uint8Array(await file.arrayBuffer()),
    lang,
    label: label ?? (lang === "und" ? file.name.replace(/\.[^.]+$/, "") : lang),
  });
  return Response.json({ id: caption.id, lang: caption.lang, label: caption.label, origin: caption.origin }, { status: 201 });
});
