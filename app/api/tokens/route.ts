import { z } from "zod";
import { createApiToken, listApiTokens, tokenNameSchema } from "@/lib/auth/api-tokens";
import { route } from "@/lib/guards/route";

/** The caller's own live tokens (never the secrets). */
export const GET = route({ access: "user" }, async ({ viewer }) => ({ tokens: await listApiTokens(viewer.id) }));

/** `{ "name": "..." }` → 201 `{ "token": "reel_…", ... }`: the only time the token is shown. */
export const POST = route({ access: "user", body: z.object({ name: tokenNameSchema }) }, async ({ viewer, body }) =>
  Response.json(await createApiToken(viewer.id, body.name), { status: 201, headers: { "cache-control": "no-store" } }),
);
