import { z } from "zod";
import type { User } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { MIN_PASSWORD_LENGTH } from "./limits";

export const ROLES = ["admin", "member"] as const;
export type Role = (typeof ROLES)[number];

/** Invite links stay valid this long. */
export const INVITE_TTL_MS = 7 * 24 * 3600 * 1000;

export const nameSchema = z.string().trim().min(1, "Enter a name").max(100, "Use at most 100 characters");
export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(320, "Use at most 320 characters")
  .pipe(z.email("Enter a valid email address"));
export const passwordSchema = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `Use at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(1024, "Use at most 1024 characters");

const passwordsMatch = (v: { password: string; confirmPassword: string }) => v.password === v.confirmPassword;
const mismatch = { path: ["confirmPassword"], message: "The passwords do not match" };

/** A password typed twice (setup, accepting an invite). */
export const choosePasswordSchema = z.object({ password: passwordSchema, confirmPassword: z.string() }).refine(passwordsMatch, mismatch);

/** Changing one's own password: the current one, and the new one typed twice. */
export const changePasswordSchema = z
  .object({ currentPassword: z.string().min(1, "Enter your current password").max(1024), password: passwordSchema, confirmPassword: z.string() })
  .refine(passwordsMatch, mismatch)
  .refine((v) => v.password !== v.currentPassword, { path: ["password"], message: "Choose a password different from the current one" });

export const setupSchema = z
  .object({ name: nameSchema, email: emailSchema, password: passwordSchema, confirmPassword: z.string() })
  .refine(passwordsMatch, mismatch);

/** Without a password the new user gets an invite link instead. */
export const createUserSchema = z.object({
  name: nameSchema,
  email: emailSchema,
  role: z.enum(ROLES).default("member"),
  canUpload: z.boolean().default(false),
  password: passwordSchema.optional(),
});
export type CreateUserInput = z.input<typeof createUserSchema>;

export const updateUserSchema = z
  .object({ name: nameSchema, role: z.enum(ROLES), canUpload: z.boolean(), disabled: z.boolean() })
  .partial()
  .refine((v) => Object.values(v).some((x) => x !== undefined), { message: "Nothing to change" });
export type UserChange = z.output<typeof updateUserSchema>;

type Target = Pick<User, "id" | "role" | "disabledAt">;

const isActiveAdmin = (u: Target) => u.role === "admin" && !u.disabledAt;

/**
 * What an administrator may not do to an account: lock themselves out (demote, disable or delete
 * their own account) or leave Reel without an active administrator. `otherActiveAdmins` must be
 * counted under the same lock as the change is written (see accounts.ts).
 */
export function checkChange(actorId: string, target: Target, change: UserChange, otherActiveAdmins: number) {
  const self = actorId === target.id;
  if (self && change.role !== undefined && change.role !== target.role) {
    throw new AppError("conflict", "You cannot change your own role; ask another administrator");
  }
  if (self && change.disabled) throw new AppError("conflict", "You cannot disable your own account");
  const losesAdmin = isActiveAdmin(target) && ((change.role !== undefined && change.role !== "admin") || change.disabled === true);
  if (losesAdmin && otherActiveAdmins === 0) throw new AppError("conflict", "Reel needs at least one active administrator");
}

export function checkDeletion(actorId: string, target: Target, otherActiveAdmins: number) {
  if (actorId === target.id) throw new AppError("conflict", "You cannot delete your own account");
  if (isActiveAdmin(target) && otherActiveAdmins === 0) throw new AppError("conflict", "Reel needs at least one active administrator");
}

export type UserStatus = "active" | "disabled" | "invited" | "invite_expired";

export function userStatus(user: Pick<User, "disabledAt" | "passwordHash">, inviteExpiresAt: Date | null, now = new Date()): UserStatus {
  if (user.disabledAt) return "disabled";
  if (user.passwordHash) return "active";
  return inviteExpiresAt && inviteExpiresAt > now ? "invited" : "invite_expired";
}
