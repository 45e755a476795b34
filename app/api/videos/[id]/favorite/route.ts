import { route } from "@/lib/guards/route";
import { addFavorite, removeFavorite } from "@/lib/library/queries/interactions";
import { videoIdSchema } from "@/lib/library/rules";

export const PUT = route({ access: "user", params: videoIdSchema }, async ({ viewer, params }) => {
  await addFavorite(viewer, params.id);
  return { favorite: true };
});

export const DELETE = route({ access: "user", params: videoIdSchema }, async ({ viewer, params }) => {
  await removeFavorite(viewer, params.id);
  return { favorite: false };
});
