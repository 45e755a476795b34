import { createUser, inviteUrl, listUsers } from "@/lib/users/accounts";
import { createUserSchema } from "@/lib/users/rules";
import { publicOrigin } from "@/lib/http/origin";
import { route } from "@/lib/guards/route";

export const GET = route({ access: "admin" }, async () => ({ users: await listUsers() }));

/** Without `password` the account gets a one-time invite link (in the answer, and nowhere else). */
export const POST = route({ access: "admin", body: createUserSchema }, async ({ viewer, body, request }) => {
  const { user, invite } = await createUser(viewer, body);
  const invitation = invite && { url: inviteUrl(publicOrigin(request.headers), invite.token), expiresAt: invite.expiresAt };
  return Response.json({ user, invite: invitation }, { status: 201, headers: { "cache-control": "no-store" } });
});
