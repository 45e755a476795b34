import { randomBytes } from "node:crypto";
import { hashPassword } from "../lib/auth/passwords";
import type { Viewer } from "../lib/auth/viewer";
import { db } from "../lib/db/client";
import { insertUser } from "../lib/users/queries";

export const TEST_PASSWORD = "correct horse battery staple";

/** A real account in the test database, with a unique email. */
export async function createTestUser(options: { role?: "admin" | "member"; canUpload?: boolean; disabled?: boolean; password?: string | null; name?: string } = {}) {
  const password = options.password === undefined ? TEST_PASSWORD : options.password;
  const user = await insertUser(db, {
    email: `user-${randomBytes(5).toString("hex")}@reel.test`,
    name: options.name ?? "Test User",
    role: options.role ?? "member",
    canUpload: options.canUpload ?? false,
    passwordHash: password === null ? null : await hashPassword(password),
    disabledAt: options.disabled ? new Date() : null,
  });
  return user;
}

export function asViewer(user: { id: string; email: string; name: string; role: "admin" | "member"; canUpload: boolean }): Viewer {
  return { id: user.id, email: user.email, name: user.name, role: user.role, canUpload: user.canUpload, via: "session" };
}
