import { route } from "@/lib/guards/route";
import { uploadServer } from "@/lib/uploads/server";

/**
 * The tus endpoint (`/api/uploads` and `/api/uploads/<id>`). Every method except the CORS preflight
 * needs upload access; lib/uploads checks that each upload belongs to the caller.
 */
const tus = route({ access: "uploader" }, ({ request, viewer }) => uploadServer().handle(request, viewer));

export const POST = tus;
export const PATCH = tus;
export const HEAD = tus;
export const DELETE = tus;
export const OPTIONS = route({ access: "public" }, ({ request }) => uploadServer().options(request));
