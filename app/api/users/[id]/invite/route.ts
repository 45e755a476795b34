import { z } from "zod";
import { inviteUrl, reissueInvite } from "@/lib/users/accounts";
import { publicOrigin } from "@/lib/http/origin";
import { route } from "@/lib/guards/route";

/** A new one-time link for an account without a password; earlier links stop working. */
export const POST = route({ access: "admin", params: z.object({ id: z.uuid() }) }, async ({ viewer, params, request }) => {
  const invite = await reissueInvite(viewer, params.id);
  return Response.json(
    { invite: { url: inviteUrl(publicOrigin(request.headers), invite.token), expiresAt: invite.expiresAt } },
    { status: 201, headers: { "cache-control": "no-store" } },
  );
});
