import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, inArray } from "drizzle-orm";
import type { Viewer } from "@/lib/auth/viewer";
import { closeDb, db } from "@/lib/db/client";
import { users, videos, type Video } from "@/lib/db/schema";
import { setSetting } from "@/lib/settings";
import { canView, canViewWith, visibleTo } from "./access";

const viewer = (id: string, role: "admin" | "member" = "member"): Viewer => ({ id, email: `${id}@x.test`, name: id, role, canUpload: false, via: "session" });

let owner: Viewer, other: Viewer, admin: Viewer;
let byVisibility: Record<Video["visibility"], Video>;

beforeAll(async () => {
  const made = await db
    .insert(users)
    .values(["owner", "other", "admin"].map((n) => ({ email: `${n}-${Math.random()}@x.test`, name: n, role: n === "admin" ? ("admin" as const) : ("member" as const) })))
    .returning();
  [owner, other, admin] = made.map((u) => viewer(u.id, u.role));
  const rows = await db
    .insert(videos)
    .values((["private", "unlisted", "public"] as const).map((visibility) => ({ ownerId: owner.id, title: visibility, visibility, sourceKind: "upload" as const })))
    .returning();
  byVisibility = Object.fromEntries(rows.map((r) => [r.visibility, r])) as typeof byVisibility;
});

afterAll(async () => {
  await setSetting("guestAccess", false);
  await closeDb();
});

async function listed(v: Viewer | null) {
  const ids = Object.values(byVisibility).map((r) => r.id);
  const rows = await db.select({ visibility: videos.visibility }).from(videos).where(and(inArray(videos.id, ids), visibleTo(v)));
  return rows.map((r) => r.visibility).sort();
}

describe("video access", () => {
  it("private: owner and admins only", () => {
    const v = byVisibility.private;
    expect([owner, admin, other, null].map((x) => canViewWith(x, v, true))).toEqual([true, true, false, false]);
  });

  it("unlisted: anyone with the link, but listed only to owner and admins", async () => {
    const v = byVisibility.unlisted;
    expect([owner, admin, other, null].map((x) => canViewWith(x, v, false))).toEqual([true, true, true, true]);
    expect(await listed(other)).toEqual(["public"]);
    expect(await listed(owner)).toEqual(["private", "public", "unlisted"]);
    expect(await listed(admin)).toEqual(["private", "public", "unlisted"]);
  });

  it("public: signed-in users always, anonymous visitors only with guest access on", async () => {
    const v = byVisibility.public;
    await setSetting("guestAccess", false);
    expect(await canView(other, v)).toBe(true);
    expect(await canView(null, v)).toBe(false);
    expect(await listed(null)).toEqual([]);
    await setSetting("guestAccess", true);
    expect(await canView(null, v)).toBe(true);
    expect(await listed(null)).toEqual(["public"]);
    expect(await canView(null, byVisibility.private)).toBe(false);
  });
});
