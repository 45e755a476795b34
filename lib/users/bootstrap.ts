import { env, EnvError } from "@/lib/env";
import { createFirstAdmin } from "./accounts";

export type BootstrapResult = { created: false; reason: "not-configured" | "users-exist" } | { created: true; email: string };
type AdminConfig = { email?: string; password?: string };

const configured: AdminConfig = { email: env.REEL_ADMIN_EMAIL, password: env.REEL_ADMIN_PASSWORD };

/**
 * The administrator to create from REEL_ADMIN_EMAIL / REEL_ADMIN_PASSWORD, or null when neither is
 * set. lib/env.ts checks each value; this checks the pair, and the launcher calls it before
 * starting anything so a half-set pair stops start-up like any other configuration error.
 */
export function initialAdminConfig(config: AdminConfig = configured): { email: string; password: string } | null {
  const { email, password } = config;
  if (!email && !password) return null;
  if (!email) throw new EnvError(["REEL_ADMIN_EMAIL: required when REEL_ADMIN_PASSWORD is set"]);
  if (!password) throw new EnvError(["REEL_ADMIN_PASSWORD: required when REEL_ADMIN_EMAIL is set"]);
  return { email, password };
}

/**
 * Creates that administrator when the instance has no account yet, so Reel can be set up without
 * a browser (the web process calls it before it listens). Once any account exists it does nothing,
 * so the variables may stay set: changing them later changes nobody's password.
 */
export async function ensureInitialAdmin(config: AdminConfig = configured): Promise<BootstrapResult> {
  const admin = initialAdminConfig(config);
  if (!admin) return { created: false, reason: "not-configured" };
  const created = await createFirstAdmin({ name: admin.email.split("@")[0], email: admin.email, password: admin.password });
  return created ? { created: true, email: admin.email } : { created: false, reason: "users-exist" };
}
