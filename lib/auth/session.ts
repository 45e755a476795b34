import { headers } from "next/headers";
import { AppError } from "@/lib/errors";
import { auth } from "./config";
import { findActiveUserById, useApiToken } from "./queries";
import { bearerToken, hashToken } from "./tokens";
import type { Viewer } from "./viewer";

/**
 * Resolves the caller from an `Authorization: Bearer` API token or the session cookie.
 * The user row is read on every call, so a disabled account or a changed role takes effect at once.
 */
export async function getViewer(request?: Request): Promise<Viewer | null> {
  const authorization = request ? request.headers.get("authorization") : (await headers()).get("authorization");
  const token = bearerToken(authorization);
  if (token) {
    const user = await useApiToken(hashToken(token));
    return user ? { ...user, via: "token" } : null;
  }
  const session = await auth();
  const id = session?.user?.id;
  if (!id) return null;
  const user = await findActiveUserById(id);
  return user ? { id: user.id, email: user.email, name: user.name, role: user.role, canUpload: user.canUpload, via: "session" } : null;
}

export async function requireViewer(request?: Request): Promise<Viewer> {
  const viewer = await getViewer(request);
  if (!viewer) throw new AppError("unauthorized", "Sign in to continue");
  return viewer;
}

export async function requireAdmin(request?: Request): Promise<Viewer> {
  const viewer = await requireViewer(request);
  if (viewer.role !== "admin") throw new AppError("forbidden", "Administrators only");
  return viewer;
}
