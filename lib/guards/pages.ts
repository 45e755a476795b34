import { forbidden, redirect } from "next/navigation";
import { cache } from "react";
import { isSetUp } from "@/lib/users/accounts";
import { refusal } from "@/lib/auth/access";
import { getViewer } from "@/lib/auth/session";
import type { Viewer } from "@/lib/auth/viewer";

/**
 * Authorisation for pages (server components). Layouts do not protect route handlers or server
 * actions, so those check for themselves (route(), requireAccess).
 */

/** The signed-in viewer, read once per request however many components ask. */
export const currentViewer = cache(() => getViewer());

/** For pages guests may see: the viewer or null. A Reel without accounts sends everyone to /setup. */
export async function optionalPageViewer(): Promise<Viewer | null> {
  const viewer = await currentViewer();
  if (!viewer && !(await isSetUp())) redirect("/setup");
  return viewer;
}

/**
 * The viewer when it has `access` (the table in lib/auth/access.ts): nobody signed in → /login (coming back to
 * `returnTo` afterwards); a role that falls short → the 403 page (app/forbidden.tsx).
 */
async function requirePage(access: "user" | "admin", returnTo?: string): Promise<Viewer> {
  const viewer = await optionalPageViewer();
  if (!viewer) redirect(returnTo ? `/login?callbackUrl=${encodeURIComponent(returnTo)}` : "/login");
  if (refusal(viewer, access)) forbidden();
  return viewer;
}

export const requirePageViewer = (returnTo?: string) => requirePage("user", returnTo);

export const requirePageAdmin = (returnTo?: string) => requirePage("admin", returnTo);
