import type { User } from "@/lib/db/schema";

/** Who is asking: the signed-in user (session cookie) or the owner of an API token. */
export type Viewer = Pick<User, "id" | "email" | "name" | "role" | "canUpload"> & { via: "session" | "token" };

export function isAdmin(viewer: Viewer | null): boolean {
  return viewer?.role === "admin";
}

export function mayUpload(viewer: Viewer | null): boolean {
  return viewer !== null && (viewer.role === "admin" || viewer.canUpload);
}
