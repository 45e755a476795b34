import { z } from "zod";
import { route } from "@/lib/guards/route";
import { publicOrigin } from "@/lib/http/origin";
import { oembedFor } from "@/lib/videos/embedding";

const size = z.coerce.number().int().min(1).max(10_000).optional();
const query = z.object({ url: z.string().min(1).max(2048), format: z.literal("json").optional(), maxwidth: size, maxheight: size });

/** oEmbed for chat and blog tools: `?url=<watch or embed URL>` → the iframe to show (public and unlisted videos). */
export const GET = route({ access: "public", query }, ({ viewer, query, request }) => oembedFor(viewer, query, publicOrigin(request.headers)));
