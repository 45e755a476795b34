import { AppError } from "@/lib/errors";
import { mayUpload, type Viewer } from "./viewer";

/**
 * What a caller must be to do something, for route handlers (route()), server actions and pages alike.
 * anyone: the caller is not even looked up (health checks must answer while the database is down) ·
 * public: anyone (viewer may be null) · user: signed in or API token · uploader: may upload ·
 * admin: administrators only.
 */
export type Access = "anyone" | "public" | "user" | "uploader" | "admin";

export type ViewerFor<A extends Access> = A extends "anyone" ? null : A extends "public" ? Viewer | null : Viewer;

/** The one table of what each access asks of a signed-in viewer, and what a refusal says. */
const RULES: Record<Exclude<Access, "anyone" | "public">, { allows: (viewer: Viewer) => boolean; refusal: string }> = {
  user: { allows: () => true, refusal: "Sign in to continue" },
  uploader: { allows: mayUpload, refusal: "You are not allowed to upload" },
  admin: { allows: (viewer) => viewer.role === "admin", refusal: "Administrators only" },
};

/** Why `viewer` may not have `access` (401 when nobody is signed in, 403 when the role falls short), or null. */
export function refusal(viewer: Viewer | null, access: Access): AppError | null {
  if (access === "anyone" || access === "public") return null;
  if (!viewer) return new AppError("unauthorized", "Sign in to continue");
  const rule = RULES[access];
  return rule.allows(viewer) ? null : new AppError("forbidden", rule.refusal);
}

/** The viewer when it has `access`; else the refusal is thrown. */
export function authorize<A extends Access>(viewer: Viewer | null, access: A): ViewerFor<A> {
  const refused = refusal(viewer, access);
  if (refused) throw refused;
  return viewer as ViewerFor<A>;
}
