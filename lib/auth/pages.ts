import { forbidden, redirect } from "next/navigation";
import { cache } from "react";
import { isSetUp } from "@/lib/users/accounts";
import { getViewer } from "./session";
import type { Viewer } from "./viewer";

/**
 * Authorisation for pages (server components). Layouts do not protect route handlers or server
 * actions, so those check for themselves (route(), requireViewer/requireAdmin).
 */

/** The signed-in viewer, read once per request however many components ask. */
export const currentViewer = cache(() => getViewer());

/** For pages guests may see: the viewer or null. A Reel without accounts sends everyone to /setup. */
export async function optionalPageViewer(): Promise<Viewer | null> {
  const viewer = await currentViewer();
  if (!viewer && !(await isSetUp())) redirect("/setup");
  return viewer;
}

/** The signed-in viewer, or a redirect to /login (coming back to `returnTo` afterwards). */
export async function requirePageViewer(returnTo?: string): Promise<Viewer> {
  const viewer = await optionalPageViewer();
  if (viewer) return viewer;
  redirect(returnTo ? `/login?callbackUrl=${encodeURIComponent(returnTo)}` : "/login");
}

/** Administrators only: others get the 403 page (app/forbidden.tsx). */
export async function requirePageAdmin(returnTo?: string): Promise<Viewer> {
  const viewer = await requirePageViewer(returnTo);
  if (viewer.role !== "admin") forbidden();
  return viewer;
}
