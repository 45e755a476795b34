import { z } from "zod";
import { route } from "@/lib/guards/route";
import { progressBody } from "@/lib/playback/progress";
import { recordLinkProgress } from "@/lib/proxy/links";

const params = z.object({ id: z.uuid() });

/** The player saves how far a link was watched, as for a video (PUT; page-hide saves may come as POST). */
export const PUT = route({ access: "user", params, body: progressBody }, ({ viewer, params, body }) => recordLinkProgress(viewer, params.id, body));
export const POST = PUT;
