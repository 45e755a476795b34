import { postQoe } from "@/lib/stats/http";

/** Playback reports (served by the fast path under `npm start`; this route where only Next runs). */
export const POST = postQoe;
