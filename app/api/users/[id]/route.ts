import { z } from "zod";
import { deleteUser, getUser, updateUser } from "@/lib/users/accounts";
import { updateUserSchema } from "@/lib/users/rules";
import { route } from "@/lib/guards/route";

const params = z.object({ id: z.uuid() });

export const GET = route({ access: "admin", params }, async ({ params }) => ({ user: await getUser(params.id) }));

/** `{ name?, role?, canUpload?, disabled? }`; refused (409) for your own role/status and for the last admin. */
export const PATCH = route({ access: "admin", params, body: updateUserSchema }, async ({ viewer, params, body }) => ({
  user: await updateUser(viewer, params.id, body),
}));

export const DELETE = route({ access: "admin", params }, async ({ viewer, params }) => {
  await deleteUser(viewer, params.id);
  return null;
});
