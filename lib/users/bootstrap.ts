import { env } from "@/lib/env";
import { createFirstAdmin } from "./accounts";

export type BootstrapResult = { created: false; reason: "not-configured" | "users-exist" } | { created: true; email: string };

/**
 * Creates the first administrator from REEL_ADMIN_EMAIL / REEL_ADMIN_PASSWORD when the instance has
 * no account yet, so Reel can be set up without a browser (the web process calls it before it
 * listens). Once any account exists it does nothing, so the variables may stay set: changing them
 * later changes nobody's password.
 */
export async function ensureInitialAdmin(
  config: { email?: string; password?: string } = { email: env.REEL_ADMIN_EMAIL, password: env.REEL_ADMIN_PASSWORD },
): Promise<BootstrapResult> {
  const { email, password } = config;
  if (!email && !password) return { created: false, reason: "not-configured" };
  // lib/env.ts checks each value; only the pair is checked here.
  if (!email) throw new Error("REEL_ADMIN_EMAIL: required when REEL_ADMIN_PASSWORD is set");
  if (!password) throw new Error("REEL_ADMIN_PASSWORD: required when REEL_ADMIN_EMAIL is set");
  const admin = await createFirstAdmin({ name: email.split("@")[0], email, password });
  return admin ? { created: true, email } : { created: false, reason: "users-exist" };
}
