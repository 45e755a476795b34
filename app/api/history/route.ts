import { route } from "@/lib/guards/route";
import { clearHistory, listHistory } from "@/lib/library/queries/lists";
import { pageQuerySchema } from "@/lib/library/rules";

export const GET = route({ access: "user", query: pageQuerySchema }, ({ viewer, query }) => listHistory(viewer, query.cursor, query.limit));

export const DELETE = route({ access: "user" }, async ({ viewer }) => ({ removed: await clearHistory(viewer) }));
