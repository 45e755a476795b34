import { redirect } from "next/navigation";
import { optionalPageViewer } from "@/lib/auth/pages";
import type { Viewer } from "@/lib/auth/viewer";
import { getSetting } from "@/lib/settings";

/**
 * The viewer of a browsing page (home, catalog, tags). Anonymous visitors get in only while guest
 * access is on; otherwise they are sent to sign in and brought back afterwards.
 */
export async function libraryViewer(returnTo: string): Promise<Viewer | null> {
  const viewer = await optionalPageViewer();
  if (viewer) return viewer;
  if (await getSetting("guestAccess")) return null;
  redirect(`/login?callbackUrl=${encodeURIComponent(returnTo)}`);
}

/** The JSON list the grid pages through, with the page's filters (cursor added by the grid). */
export function catalogEndpoint(query: { q?: string; tags?: string[]; sort?: string }, limit: number): string {
  const params = new URLSearchParams();
  if (query.q) params.set("q", query.q);
  if (query.tags?.length) params.set("tags", query.tags.join(","));
  if (query.sort) params.set("sort", query.sort);
  params.set("limit", String(limit));
  return `/api/videos?${params}`;
}
