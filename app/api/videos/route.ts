import { listVideos } from "@/lib/library/http";

/** The catalog list and search (served by the fast path under `npm start`; this route where only Next runs). */
export const GET = listVideos;
