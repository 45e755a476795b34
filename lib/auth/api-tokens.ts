import { z } from "zod";
import { insertApiToken, listApiTokens, revokeApiToken, type ApiTokenSummary } from "./queries";
import { newApiToken } from "./tokens";

export { listApiTokens, revokeApiToken, type ApiTokenSummary };

export const tokenNameSchema = z.string().trim().min(1, "Give the token a name").max(100, "Use at most 100 characters");

/** The token itself is returned here and nowhere else: only its hash is stored. */
export async function createApiToken(userId: string, name: string): Promise<ApiTokenSummary & { token: string }> {
  const { token, tokenHash, prefix } = newApiToken();
  const summary = await insertApiToken({ userId, name: tokenNameSchema.parse(name), tokenHash, prefix });
  return { ...summary, token };
}
