import type { StoredObject } from "./types";

/**
 * Rules of `storage:migrate` (moving every video's files between the data folder and a bucket);
 * the moves themselves are in `migrate.ts`. Pure: no storage, no database.
 */

export type MigrationTarget = "local" | "s3";

/**
 * A relative path a migration may copy: `/`-separated names, none empty, `.` or `..`, no backslash
 * or control character, not absolute. A bucket's keys are whatever someone wrote there; a key such as
 * `<id>/hls/../../x` must never become a path on disk (nor a key outside the video's prefix).
 */
export function isSafeRelative(relative: string): boolean {
  if (relative.length === 0 || relative.length > 1024) return false;
  if (/[\\\u0000-\u001f\u007f]/.test(relative)) return false;
  return relative.split("/").every((name) => name !== "" && name !== "." && name !== "..");
}

/** Sizes by relative path, as a store lists them. */
export function sizesOf(objects: Iterable<Pick<StoredObject, "relative" | "size">>): Map<string, number> {
  const sizes = new Map<string, number>();
  for (const o of objects) sizes.set(o.relative, o.size);
  return sizes;
}

/** Whether the target already holds this file, copied and verified by its size (what makes a second run resume). */
export function isCopied(object: Pick<StoredObject, "relative" | "size">, target: ReadonlyMap<string, number>): boolean {
  return target.get(object.relative) === object.size;
}

/** The source files the target does not hold at their size after the copy: the copy is not verified while any remain. */
export function unverified(source: Iterable<Pick<StoredObject, "relative" | "size">>, target: ReadonlyMap<string, number>): string[] {
  return [...source].filter((o) => !isCopied(o, target)).map((o) => o.relative);
}
