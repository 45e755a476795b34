import { z } from "zod";
import { route } from "@/lib/guards/route";
import { progressBody } from "@/lib/playback/progress";
import { readProgress, recordProgress } from "@/lib/playback/service";

const params = z.object({ id: z.uuid() });

export const GET = route({ access: "user", params }, ({ viewer, params }) => readProgress(viewer, params.id));

export const PUT = route({ access: "user", params, body: progressBody }, ({ viewer, params, body }) => recordProgress(viewer, params.id, body));

/** navigator.sendBeacon can only POST (with a text/plain body), so page-hide saves may arrive this way. */
export const POST = PUT;
