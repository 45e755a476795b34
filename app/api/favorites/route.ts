import { route } from "@/lib/guards/route";
import { listFavorites } from "@/lib/library/queries/lists";
import { pageQuerySchema } from "@/lib/library/rules";

/** The caller's favourites, most recently added first. */
export const GET = route({ access: "user", query: pageQuerySchema }, ({ viewer, query }) => listFavorites(viewer, query.cursor, query.limit));
