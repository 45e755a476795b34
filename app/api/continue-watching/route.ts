import { z } from "zod";
import { route } from "@/lib/guards/route";
import { continueWatching } from "@/lib/library/queries/home";

export const GET = route(
  { access: "user", query: z.object({ limit: z.coerce.number().int().min(1).max(60).default(12) }) },
  async ({ viewer, query }) => ({ items: await continueWatching(viewer, query.limit) }),
);
